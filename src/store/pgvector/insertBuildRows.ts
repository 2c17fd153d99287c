import type pg from "pg";
import type { BuildParts, StoreProgress } from "../indexStore.js";

/** Rows per INSERT: arrays bound as a few parameters (`unnest`), so a batch is one round trip whatever its size. */
const BATCH_ROWS = 1000;

/** pgvector's text form of a vector; a float32 printed this way reads back as the same float32. */
export const vectorText = (vector: Float32Array) => `[${vector.join(",")}]`;

const arrayText = (values: ArrayLike<number>) => `{${Array.prototype.join.call(values, ",")}}`;

/** Writes a build's documents, chunks, sentences and terms under `buildId`, in batches, reporting rows written. */
export async function insertBuildRows(client: pg.PoolClient, buildId: number, parts: BuildParts, onProgress?: (progress: StoreProgress) => void): Promise<void> {
  const termCount = parts.vocabulary.size;
  const total = parts.documents.length + parts.chunks.length + parts.sentences.length + termCount;
  let done = 0;
  const position = new Map(parts.documents.map((d, i) => [d.docId, i]));
  const inBatches = async (count: number, write: (first: number, end: number) => Promise<unknown>) => {
    for (let first = 0; first < count; first += BATCH_ROWS) {
      const end = Math.min(count, first + BATCH_ROWS);
      await write(first, end);
      done += end - first;
      onProgress?.({ phase: "write", done, total });
    }
  };
  const range = (first: number, end: number) => Array.from({ length: end - first }, (_, i) => first + i);

  onProgress?.({ phase: "write", done, total });
  // Documents one by one: a document's text can be megabytes.
  for (const [i, doc] of parts.documents.entries()) {
    const { text, ...rest } = doc;
    await client.query("INSERT INTO rag_documents (build_id, position, doc_id, text, document) VALUES ($1, $2, $3, $4, $5)", [buildId, i, doc.docId, text, rest]);
    onProgress?.({ phase: "write", done: ++done, total });
  }
  await inBatches(parts.chunks.length, (first, end) => {
    const rows = range(first, end);
    return client.query(
      `INSERT INTO rag_chunks (build_id, row, doc_position, start_offset, end_offset, embedding)
       SELECT $1, r, d, s, e, v::vector FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::text[]) AS t(r, d, s, e, v)`,
      [
        buildId,
        rows,
        rows.map((r) => position.get(parts.chunks[r]!.docId)),
        rows.map((r) => parts.chunks[r]!.start),
        rows.map((r) => parts.chunks[r]!.end),
        rows.map((r) => vectorText(parts.chunkVectors[r]!)),
      ],
    );
  });
  const { dimensions, codes, scales } = parts.sentenceVectors;
  const { offsets, ids } = parts.sentenceTerms;
  await inBatches(parts.sentences.length, (first, end) => {
    const rows = range(first, end);
    return client.query(
      `INSERT INTO rag_sentences (build_id, row, doc_position, start_offset, end_offset, embedding_codes, embedding_scale, term_ids)
       SELECT $1, r, d, s, e, c, sc, ts::int[] FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::bytea[], $7::real[], $8::text[]) AS t(r, d, s, e, c, sc, ts)`,
      [
        buildId,
        rows,
        rows.map((r) => position.get(parts.sentences[r]!.docId)),
        rows.map((r) => parts.sentences[r]!.start),
        rows.map((r) => parts.sentences[r]!.end),
        rows.map((r) => Buffer.from(codes.buffer, codes.byteOffset + r * dimensions, dimensions)),
        rows.map((r) => scales[r]),
        rows.map((r) => arrayText(ids.subarray(offsets[r], offsets[r + 1]))),
      ],
    );
  });
  const terms = [...parts.vocabulary.keys()];
  const postings = parts.lexicalPostings;
  await inBatches(termCount, (first, end) => {
    const rows = range(first, end);
    const run = <T extends Int32Array | Float32Array>(values: T, t: number) => values.subarray(postings.offsets[t], postings.offsets[t + 1]);
    return client.query(
      `INSERT INTO rag_terms (build_id, term_id, term, chunk_rows, scores)
       SELECT $1, id, term, c::int[], s::real[] FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS t(id, term, c, s)`,
      [
        buildId,
        rows,
        rows.map((t) => terms[t]),
        rows.map((t) => arrayText(run(postings.ids, t))),
        rows.map((t) => arrayText(run(postings.scores, t))),
      ],
    );
  });
}
