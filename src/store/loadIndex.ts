import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";
import type { CorpusDocument, Span } from "../types.js";
import { assertCompatible, BUILD_FILES } from "./buildFiles.js";
import { HnswStore } from "./hnswStore.js";
import type { IndexManifest } from "./indexManifest.js";
import { forwardProblem, isStrings, postingsProblem, sentenceTermsProblem, vocabularyProblem } from "./checkIndexParts.js";
import { decodeSpan, readSpanFiles, spanCount, spansProblem, type EncodedSpans } from "./spanRefs.js";
import { timeSlices } from "../timeSlices.js";
import type { LoadedIndex, StoredArray } from "./indexParts.js";
import { storedArrayOf, type StoredArrayType } from "./storedArrays.js";
import { sentenceVectorsOnDisk } from "./sentenceVectorsOnDisk.js";

/**
 * Reads a build into memory, restoring span texts from the corpus it was built
 * from; the sentence vectors stay in their file (`sentenceVectorsOnDisk`).
 */
export async function loadIndex(dir: string, manifest: IndexManifest, documents: CorpusDocument[], efSearch = manifest.hnsw.efSearch): Promise<LoadedIndex> {
  assertCompatible(manifest, dir);
  // No advice to rebuild: every entry point (see `openIndex`) rebuilds a build it cannot read.
  const refuse = (what: string) => new RagError("index_incompatible", `Index ${dir} ${what}.`);
  const incomplete = (what: string) => refuse(`is incomplete (${what})`);
  const byId = new Map(documents.map((d) => [d.docId, d]));
  const slices = timeSlices();
  /** The stored spans with their texts, in time slices: 100k chunks have 220k sentences. */
  const withTexts = async (file: string, stored: EncodedSpans): Promise<Span[]> => {
    const problem = spansProblem(stored);
    if (problem) throw incomplete(`${file}: ${problem}`);
    const docs = stored.docIds.map((id) => byId.get(id));
    const spans = new Array<Span>(spanCount(stored));
    for (let i = 0; i < spans.length; i++) {
      if ((i & 0xff) === 0 && slices.due()) await slices.pause();
      const [n, start, end] = [stored.triples[i * 3]!, stored.triples[i * 3 + 1]!, stored.triples[i * 3 + 2]!];
      const doc = docs[n];
      if (doc === undefined || end > doc.text.length) throw refuse(`does not match the corpus (span ${JSON.stringify(decodeSpan(stored, i))})`);
      // A literal of four fields with the document's own id string: a spread copy took 250 bytes a span, this 90.
      spans[i] = { docId: doc.docId, start, end, text: doc.text.slice(start, end) };
    }
    return spans;
  };
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(path.join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw incomplete(`${file} is missing`);
      throw error;
    }
  };
  const fileSize = async (file: string): Promise<number> => {
    try {
      return (await stat(path.join(dir, file))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw incomplete(`${file} is missing`);
      throw error;
    }
  };
  const readJson = async <T>(file: string, isValid: (value: unknown) => value is T): Promise<T> => {
    const text = (await read(file)).toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw incomplete(`${file} is not valid JSON`);
    }
    if (!isValid(value)) throw incomplete(`${file} does not hold what it should`);
    return value;
  };
  let stored: Awaited<ReturnType<typeof readSpanFiles>>;
  try {
    stored = await readSpanFiles(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw incomplete(`${path.basename((error as NodeJS.ErrnoException).path ?? "")} is missing`);
    if (error instanceof SyntaxError) throw incomplete(error.message);
    throw error;
  }
  const chunks = await withTexts(BUILD_FILES.chunks, stored.chunks);
  const sentences = await withTexts(BUILD_FILES.sentences, stored.sentences);
  const readArray = async <T extends StoredArray>(file: string, Type: StoredArrayType<T>): Promise<T> => {
    const array = storedArrayOf(await read(file), Type);
    if (!array) throw incomplete(`${file} is cut short`);
    return array;
  };
  const sentenceScales = await readArray(BUILD_FILES.sentenceScales, Float32Array);
  const sentenceCodeBytes = await fileSize(BUILD_FILES.sentenceVectors);
  let chunkStore: HnswStore;
  try {
    chunkStore = await HnswStore.load(path.join(dir, BUILD_FILES.chunkVectors), manifest.dimensions, { ...manifest.hnsw, efSearch });
  } catch (error) {
    // hnswlib reports a missing, cut or garbled graph with a plain Error.
    throw incomplete(`${BUILD_FILES.chunkVectors} could not be read: ${(error as Error).message}`);
  }
  if (chunkStore.size !== chunks.length) {
    throw incomplete(`${BUILD_FILES.chunkVectors} holds ${chunkStore.size} vectors for ${chunks.length} chunks`);
  }
  if (sentenceCodeBytes !== sentences.length * manifest.dimensions) {
    const held = Math.floor(sentenceCodeBytes / manifest.dimensions);
    throw incomplete(`${BUILD_FILES.sentenceVectors} holds ${held} vectors for ${sentences.length} sentences`);
  }
  if (sentenceScales.length !== sentences.length) {
    throw incomplete(`${BUILD_FILES.sentenceScales} holds ${sentenceScales.length} scales for ${sentences.length} sentences`);
  }
  const terms = await readJson(BUILD_FILES.terms, isStrings);
  const vocabulary = new Map(terms.map((term, number) => [term, number]));
  const lexicalPostings = {
    offsets: await readArray(BUILD_FILES.lexicalOffsets, Int32Array),
    ids: await readArray(BUILD_FILES.lexicalIds, Int32Array),
    scores: await readArray(BUILD_FILES.lexicalScores, Float32Array),
    chunkCount: chunks.length,
  };
  const lexicalForward = {
    offsets: await readArray(BUILD_FILES.forwardOffsets, Int32Array),
    terms: await readArray(BUILD_FILES.forwardTerms, Int32Array),
    scores: await readArray(BUILD_FILES.forwardScores, Float32Array),
  };
  const sentenceTerms = {
    offsets: await readArray(BUILD_FILES.sentenceTermOffsets, Int32Array),
    ids: await readArray(BUILD_FILES.sentenceTermIds, Int32Array),
  };
  const problem =
    vocabularyProblem(terms, vocabulary) ??
    (await postingsProblem(lexicalPostings, terms.length, chunks.length)) ??
    (await forwardProblem(lexicalForward, lexicalPostings, terms.length)) ??
    (await sentenceTermsProblem(sentenceTerms, terms.length, sentences.length));
  if (problem) throw incomplete(problem);
  const sentenceVectors = sentenceVectorsOnDisk(path.join(dir, BUILD_FILES.sentenceVectors), sentenceScales, manifest.dimensions);
  return { manifest, chunks, sentences, sentenceVectors, chunkStore, vocabulary, lexicalPostings, lexicalForward, sentenceTerms };
}
