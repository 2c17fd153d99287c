import pg from "pg";
import { RagError } from "../../errors.js";
import type { CorpusDocument, Span } from "../../types.js";
import { dequantizeRows } from "../../vectors.js";
import { forwardIndexOf } from "../../retrieval/forwardIndex.js";
import { sentenceVectorsInMemory } from "../sentenceVectors.js";
import { postingsProblem, sentenceTermsProblem, vocabularyProblem } from "../checkIndexParts.js";
import { INDEX_FORMAT_VERSION, type IndexManifest } from "../indexManifest.js";
import type { SpanRef } from "../indexParts.js";
import type { IndexStore, LiveBuild, ReusableParts } from "../indexStore.js";
import type { StoredDocument } from "../storedDocuments.js";
import { chunkIndexName, migrate } from "./migrations.js";
import { PgvectorChunkSearch } from "./pgvectorChunkSearch.js";
import { insertBuildRows } from "./insertBuildRows.js";
import { rememberLast } from "../rememberLast.js";

export interface PgvectorStoreOptions {
  /** A Postgres connection string. */
  url: string;
  /** Connections kept at most. */
  poolSize: number;
}

/** Any fixed number: the key of the advisory lock one ingest at a time holds. */
const BUILD_LOCK = 7_326_411;

/**
 * Builds kept in Postgres with pgvector, shared by every process pointed at the
 * database: documents, spans, sentence vectors and term postings as rows, chunk
 * vectors searched by the database's HNSW index. A replica reads a build into
 * memory once (everything but the chunk vectors: those stay in Postgres) and
 * holds no other state. A build is written in one transaction that ends by
 * naming it live, so a reader sees the old build or the new one, never a part.
 */
export function pgvectorStore(options: PgvectorStoreOptions): IndexStore {
  // A database that does not answer fails a request in seconds rather than holding it until the request timeout.
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops must not take the process down; the next query reconnects.
  pool.on("error", () => undefined);
  let ready: Promise<void> | undefined;
  const connect = async (): Promise<pg.PoolClient> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw unavailable(error);
    }
    if (!ready) {
      ready = migrate(client).then(() => undefined);
      ready.catch(() => (ready = undefined));
    }
    try {
      await ready;
    } catch (error) {
      client.release();
      // Reached, but the schema could not be made: most often a role not allowed to CREATE EXTENSION vector.
      throw error instanceof RagError
        ? error
        : new RagError("store_unavailable", `The database (DATABASE_URL) could not be migrated: ${(error as Error).message}`, { cause: error });
    }
    return client;
  };
  const using = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
  const documentsOf = rememberLast((id) => using((client) => readDocuments(client, Number(id))));
  const live = (id: number, manifest: IndexManifest): LiveBuild => ({ id: String(id), location: `postgres build ${id}`, manifest });

  return {
    shared: true,
    current: () =>
      using(async (client) => {
        const { rows } = await client.query<{ id: number; manifest: IndexManifest }>(
          "SELECT b.id::int AS id, b.manifest FROM rag_live_build l JOIN rag_builds b ON b.id = l.build_id",
        );
        return rows[0] ? live(rows[0].id, rows[0].manifest) : null;
      }),
    // A database error is an error here, not "no documents": a replica must not fall back to its folder.
    readDocuments: (build) => documentsOf(build.id),
    readReusable: async (build) => {
      try {
        const documents = await documentsOf(build.id);
        return await using((client) => readReusable(client, build, documents));
      } catch {
        return undefined;
      }
    },
    publish: (parts, onProgress) =>
      using(async (client) => {
        await client.query("BEGIN");
        let id: number;
        let previous: number | undefined;
        try {
          // Publishes one after another: the second waits here for the first to commit.
          const locked = await client.query<{ build_id: number }>("SELECT build_id::int AS build_id FROM rag_live_build FOR UPDATE");
          previous = locked.rows[0]?.build_id;
          ({ id } = (await client.query<{ id: number }>("INSERT INTO rag_builds (manifest) VALUES ($1) RETURNING id::int AS id", [parts.manifest])).rows[0]!);
          await insertBuildRows(client, id, parts, onProgress);
          const { dimensions, hnsw } = parts.manifest;
          onProgress?.({ phase: "graph", done: 0, total: parts.chunks.length });
          await client.query(
            `CREATE INDEX ${chunkIndexName(id)} ON rag_chunks USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops)
             WITH (m = ${hnsw.m}, ef_construction = ${hnsw.efConstruction}) WHERE build_id = ${id}`,
          );
          onProgress?.({ phase: "graph", done: parts.chunks.length, total: parts.chunks.length });
          await client.query(
            `INSERT INTO rag_live_build (build_id) VALUES ($1)
             ON CONFLICT (only_row) DO UPDATE SET build_id = EXCLUDED.build_id, published_at = now()`,
            [id],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
        // The build before stays for replicas still serving it until they notice the new one; older ones go.
        await dropBuildsExcept(client, [id, previous]).catch(() => undefined);
        return live(id, parts.manifest);
      }),
    load: (build, documents, search) => using((client) => loadBuild(client, pool, build, documents, search?.efSearch ?? build.manifest.hnsw.efSearch)),
    async lock() {
      const client = await connect();
      // Waits for another process's build rather than refusing: replicas of a new release starting
      // together build once, the others then find that build live (see ensureIndex).
      try {
        await client.query("SELECT pg_advisory_lock($1)", [BUILD_LOCK]);
      } catch (error) {
        client.release();
        throw unavailable(error);
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        try {
          await client.query("SELECT pg_advisory_unlock($1)", [BUILD_LOCK]);
        } finally {
          client.release();
        }
      };
    },
    close: () => pool.end(),
  };
}

const unavailable = (error: unknown) =>
  new RagError("store_unavailable", `The database (DATABASE_URL) cannot be reached: ${(error as Error).message}`, { cause: error });

async function dropBuildsExcept(client: pg.PoolClient, keep: (number | undefined)[]): Promise<void> {
  const kept = keep.filter((id): id is number => id !== undefined);
  const { rows } = await client.query<{ id: number }>("SELECT id::int AS id FROM rag_builds WHERE NOT (id = ANY($1::bigint[]))", [kept]);
  for (const { id } of rows) {
    await client.query("BEGIN");
    try {
      await client.query(`DROP INDEX IF EXISTS ${chunkIndexName(id)}`);
      await client.query("DELETE FROM rag_builds WHERE id = $1", [id]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }
}

async function readDocuments(client: pg.PoolClient, buildId: number): Promise<StoredDocument[]> {
  const { rows } = await client.query<{ text: string; document: Omit<StoredDocument, "text"> }>(
    "SELECT text, document FROM rag_documents WHERE build_id = $1 ORDER BY position",
    [buildId],
  );
  return rows.map((r) => ({ ...r.document, text: r.text }));
}

/** The build's document ids by position: what span rows point at. */
async function readDocIds(client: pg.PoolClient, buildId: number): Promise<string[]> {
  const { rows } = await client.query<{ doc_id: string }>("SELECT doc_id FROM rag_documents WHERE build_id = $1 ORDER BY position", [buildId]);
  return rows.map((r) => r.doc_id);
}

interface SpanRow {
  doc_position: number;
  start_offset: number;
  end_offset: number;
}

const refOf = (row: SpanRow, docIds: string[]): SpanRef | undefined => {
  const docId = docIds[row.doc_position];
  return docId === undefined ? undefined : { docId, start: row.start_offset, end: row.end_offset };
};

/** Parses pgvector's text form, `[0.1,-0.2,…]`, into `out` at `offset`. */
function parseVector(text: string, out: Float32Array, offset: number): number {
  const parts = text.slice(1, -1).split(",");
  for (let i = 0; i < parts.length; i++) out[offset + i] = Number(parts[i]);
  return parts.length;
}

async function readReusable(client: pg.PoolClient, build: LiveBuild, documents: StoredDocument[]): Promise<ReusableParts | undefined> {
  const id = Number(build.id);
  const dims = build.manifest.dimensions;
  const docIds = documents.map((d) => d.docId);
  const chunkRows = (await client.query<SpanRow & { embedding: string }>(
    "SELECT doc_position, start_offset, end_offset, embedding::text AS embedding FROM rag_chunks WHERE build_id = $1 ORDER BY row",
    [id],
  )).rows;
  const chunkVectors = new Float32Array(chunkRows.length * dims);
  const chunks: SpanRef[] = [];
  for (const [i, row] of chunkRows.entries()) {
    const ref = refOf(row, docIds);
    if (!ref || parseVector(row.embedding, chunkVectors, i * dims) !== dims) return undefined;
    chunks.push(ref);
  }
  const sentenceRows = (await client.query<SpanRow & { embedding_codes: Buffer; embedding_scale: number }>(
    "SELECT doc_position, start_offset, end_offset, embedding_codes, embedding_scale FROM rag_sentences WHERE build_id = $1 ORDER BY row",
    [id],
  )).rows;
  const sentences: SpanRef[] = [];
  const codes = new Int8Array(sentenceRows.length * dims);
  const scales = new Float32Array(sentenceRows.length);
  for (const [i, row] of sentenceRows.entries()) {
    const ref = refOf(row, docIds);
    if (!ref || row.embedding_codes.length !== dims) return undefined;
    sentences.push(ref);
    codes.set(new Int8Array(row.embedding_codes.buffer, row.embedding_codes.byteOffset, dims), i * dims);
    scales[i] = row.embedding_scale;
  }
  const fits = documents.every((d) => d.chunkRows[1] <= chunks.length && d.sentenceRows[1] <= sentences.length);
  if (!fits) return undefined;
  return {
    documents: new Map(documents.map((d) => [d.docId, d])),
    chunks,
    sentences,
    chunkVectors,
    sentenceVectors: dequantizeRows({ dimensions: dims, codes, scales }),
    dimensions: dims,
  };
}

async function loadBuild(client: pg.PoolClient, pool: pg.Pool, build: LiveBuild, documents: readonly CorpusDocument[], efSearch: number) {
  const { manifest } = build;
  const id = Number(build.id);
  const refuse = (what: string) => new RagError("index_incompatible", `${build.location} ${what}.`);
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    throw refuse(`has format version ${manifest.formatVersion}; this code reads version ${INDEX_FORMAT_VERSION}`);
  }
  const dims = manifest.dimensions;
  const docIds = await readDocIds(client, id);
  const byId = new Map(documents.map((d) => [d.docId, d]));
  const spanOf = (row: SpanRow): Span => {
    const ref = refOf(row, docIds);
    const doc = ref && byId.get(ref.docId);
    if (!ref || !doc || ref.end > doc.text.length) throw refuse(`does not match the corpus (a span of document position ${row.doc_position})`);
    return { docId: doc.docId, start: ref.start, end: ref.end, text: doc.text.slice(ref.start, ref.end) };
  };
  const chunkRows = (await client.query<SpanRow>("SELECT doc_position, start_offset, end_offset FROM rag_chunks WHERE build_id = $1 ORDER BY row", [id])).rows;
  const chunks = chunkRows.map(spanOf);
  const sentenceRows = (await client.query<SpanRow & { embedding_codes: Buffer; embedding_scale: number; term_ids: number[] }>(
    "SELECT doc_position, start_offset, end_offset, embedding_codes, embedding_scale, term_ids FROM rag_sentences WHERE build_id = $1 ORDER BY row",
    [id],
  )).rows;
  if (chunks.length !== manifest.counts.chunks || sentenceRows.length !== manifest.counts.sentences) {
    throw refuse(`is incomplete (${chunks.length} of ${manifest.counts.chunks} chunks, ${sentenceRows.length} of ${manifest.counts.sentences} sentences)`);
  }
  const sentences: Span[] = [];
  const codes = new Int8Array(sentenceRows.length * dims);
  const scales = new Float32Array(sentenceRows.length);
  const termOffsets = new Int32Array(sentenceRows.length + 1);
  const termIds: number[] = [];
  for (const [i, row] of sentenceRows.entries()) {
    sentences.push(spanOf(row));
    if (row.embedding_codes.length !== dims) throw refuse(`is incomplete (sentence ${i} has ${row.embedding_codes.length} vector components)`);
    codes.set(new Int8Array(row.embedding_codes.buffer, row.embedding_codes.byteOffset, dims), i * dims);
    scales[i] = row.embedding_scale;
    for (const term of row.term_ids) termIds.push(term);
    termOffsets[i + 1] = termIds.length;
  }
  const termRows = (await client.query<{ term: string; chunk_rows: number[]; scores: number[] }>(
    "SELECT term, chunk_rows, scores FROM rag_terms WHERE build_id = $1 ORDER BY term_id",
    [id],
  )).rows;
  const terms = termRows.map((r) => r.term);
  const vocabulary = new Map(terms.map((term, number) => [term, number]));
  const postingOffsets = new Int32Array(termRows.length + 1);
  const postingIds: number[] = [];
  const postingScores: number[] = [];
  for (const [t, row] of termRows.entries()) {
    if (row.chunk_rows.length !== row.scores.length) throw refuse(`is incomplete (term ${t} has ${row.chunk_rows.length} chunks and ${row.scores.length} scores)`);
    // A loop, not push(...run): a common word's run can hold more chunks than a call takes arguments.
    for (let i = 0; i < row.chunk_rows.length; i++) {
      postingIds.push(row.chunk_rows[i]!);
      postingScores.push(row.scores[i]!);
    }
    postingOffsets[t + 1] = postingIds.length;
  }
  const lexicalPostings = { offsets: postingOffsets, ids: Int32Array.from(postingIds), scores: Float32Array.from(postingScores), chunkCount: chunks.length };
  const sentenceTerms = { offsets: termOffsets, ids: Int32Array.from(termIds) };
  const problem =
    vocabularyProblem(terms, vocabulary) ??
    (await postingsProblem(lexicalPostings, terms.length, chunks.length)) ??
    (await sentenceTermsProblem(sentenceTerms, terms.length, sentences.length));
  if (problem) throw refuse(`is incomplete (${problem})`);
  return {
    manifest,
    chunks,
    sentences,
    sentenceVectors: sentenceVectorsInMemory({ dimensions: dims, codes, scales }),
    chunkStore: new PgvectorChunkSearch(pool, id, dims, chunks.length, efSearch),
    vocabulary,
    lexicalPostings,
    lexicalForward: await forwardIndexOf(lexicalPostings),
    sentenceTerms,
  };
}
