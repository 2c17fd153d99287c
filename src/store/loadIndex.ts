import { readFile } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";
import type { CorpusDocument, Span } from "../types.js";
import { assertCompatible, BUILD_FILES } from "./buildFiles.js";
import { HnswStore } from "./hnswStore.js";
import type { IndexManifest } from "./indexManifest.js";
import type { LoadedIndex, SpanRef } from "./indexParts.js";

/** Reads a build into memory, restoring span texts from the corpus it was built from. */
export async function loadIndex(dir: string, manifest: IndexManifest, documents: CorpusDocument[]): Promise<LoadedIndex> {
  assertCompatible(manifest, dir);
  const texts = new Map(documents.map((d) => [d.docId, d.text]));
  const attachText = (ref: SpanRef): Span => {
    const text = texts.get(ref.docId);
    if (text === undefined || ref.start < 0 || ref.end > text.length || ref.start >= ref.end) {
      throw new RagError("index_incompatible", `Index ${dir} does not match the corpus (span ${JSON.stringify(ref)}). Run npm run ingest to rebuild it.`);
    }
    return { ...ref, text: text.slice(ref.start, ref.end) };
  };
  const incomplete = (what: string) =>
    new RagError("index_incompatible", `Index ${dir} is incomplete (${what}). Run npm run ingest to rebuild it.`);
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(path.join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw incomplete(`${file} is missing`);
      throw error;
    }
  };
  const readJson = async <T>(file: string): Promise<T> => {
    const text = (await read(file)).toString("utf8");
    try {
      return JSON.parse(text) as T;
    } catch {
      throw incomplete(`${file} is not valid JSON`);
    }
  };
  const chunks = (await readJson<SpanRef[]>(BUILD_FILES.chunks)).map(attachText);
  const sentences = (await readJson<SpanRef[]>(BUILD_FILES.sentences)).map(attachText);
  const readArray = async <T extends TypedArray>(file: string, Type: TypedArrayType<T>): Promise<T> => {
    const bytes = await read(file);
    if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0) throw incomplete(`${file} is cut short`);
    // A view when the bytes are aligned (a large file gets a buffer of its own), a copy otherwise:
    // copying 1.5 KB per sentence would double the peak memory of a large index at load.
    return bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0
      ? new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT)
      : new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const sentenceVectors = await readArray(BUILD_FILES.sentenceVectors, Float32Array);
  const chunkStore = HnswStore.load(path.join(dir, BUILD_FILES.chunkVectors), manifest.dimensions, manifest.hnsw);
  if (chunkStore.size !== chunks.length || sentenceVectors.length !== sentences.length * manifest.dimensions) {
    throw incomplete("vector counts do not match its spans");
  }
  const lexicalPostings = {
    terms: await readJson<string[]>(BUILD_FILES.lexicalTerms),
    offsets: await readArray(BUILD_FILES.lexicalOffsets, Int32Array),
    ids: await readArray(BUILD_FILES.lexicalIds, Int32Array),
    scores: await readArray(BUILD_FILES.lexicalScores, Float64Array),
    chunkCount: chunks.length,
  };
  const { terms, offsets, ids, scores } = lexicalPostings;
  if (!partitions(offsets, terms.length, ids.length) || scores.length !== ids.length || ids.some((id) => id < 0 || id >= chunks.length)) {
    throw incomplete("lexical postings do not match its chunks");
  }
  const sentenceTerms = {
    terms: await readJson<string[]>(BUILD_FILES.sentenceTerms),
    offsets: await readArray(BUILD_FILES.sentenceTermOffsets, Int32Array),
    ids: await readArray(BUILD_FILES.sentenceTermIds, Int32Array),
  };
  const vocabularySize = sentenceTerms.terms.length;
  if (!partitions(sentenceTerms.offsets, sentences.length, sentenceTerms.ids.length) || sentenceTerms.ids.some((id) => id < 0 || id >= vocabularySize)) {
    throw incomplete("sentence terms do not match its sentences");
  }
  return { manifest, chunks, sentences, sentenceVectors, chunkStore, lexicalPostings, sentenceTerms };
}

/** True when `offsets` cuts `total` entries into `parts` consecutive runs: 0 first, never decreasing, `total` last. */
function partitions(offsets: Int32Array, parts: number, total: number): boolean {
  if (offsets.length !== parts + 1 || offsets[0] !== 0 || offsets[parts] !== total) return false;
  for (let i = 0; i < parts; i++) if (offsets[i]! > offsets[i + 1]!) return false;
  return true;
}

type TypedArray = Float32Array | Float64Array | Int32Array;
interface TypedArrayType<T extends TypedArray> {
  readonly BYTES_PER_ELEMENT: number;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (buffer: ArrayBufferLike): T;
}
