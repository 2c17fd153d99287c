import type { Embedder } from "../embed/embedder.js";
import { RagError } from "../errors.js";
import type { StoredDocument } from "../store/storedDocuments.js";
import { codeFingerprint } from "../store/codeFingerprint.js";
import { DEFAULT_HNSW, type HnswParameters } from "../store/hnswStore.js";
import { hnswFileStore } from "../store/hnswFileStore.js";
import type { IndexStore, LiveBuild, StoreProgress } from "../store/indexStore.js";
import { fingerprintOf, INDEX_FORMAT_VERSION, settingsFingerprintOf, type IndexManifest, type IndexSettings } from "../store/indexManifest.js";
import type { Bm25Parameters, SpanRef } from "../store/indexParts.js";
import { buildLexicalPostings, DEFAULT_BM25 } from "../retrieval/lexicalPostings.js";
import { buildSentenceTerms } from "../retrieval/sentenceTerms.js";
import type { Span } from "../types.js";
import { timeSlices } from "../timeSlices.js";
import { chunkSentences, type ChunkingOptions } from "./chunk.js";
import type { Corpus } from "./loadCorpus.js";
import { splitSentences } from "./sentences.js";
import { textForModel } from "./textForModel.js";
import { quantizeRows } from "../vectors.js";
import { forwardIndexOf } from "../retrieval/forwardIndex.js";

/**
 * Reading counts files; embedding counts the texts (chunks and sentences) of
 * new and changed documents; then the store keeps the build: the vector graph
 * counts chunks (`hnsw`), writing counts rows (`pgvector`).
 */
export type IngestProgress = { phase: "read" | "embed"; done: number; total: number } | StoreProgress;

export interface EnsureIndexOptions {
  /** Where builds are kept; `indexDir` is short for `hnswFileStore(indexDir)`. */
  store?: IndexStore;
  indexDir?: string;
  corpus: Corpus;
  model: { id: string; quantized: boolean };
  chunking: ChunkingOptions;
  hnsw?: HnswParameters;
  bm25?: Bm25Parameters;
  /** Hash of the code that shapes a build; defaults to this package's (`codeFingerprint`). */
  codeHash?: string;
  /** Called only when a build is needed, so an up-to-date index never loads the model. */
  getEmbedder: () => Promise<Embedder>;
  /** Rebuild everything, even when the live build matches. */
  force?: boolean;
  /**
   * False: never build; a live build that does not match is refused with `index_incompatible`
   * (a replica following a shared store's new build must not rebuild what another process published).
   */
  mayBuild?: boolean;
  onProgress?: (progress: IngestProgress) => void;
}

export interface EnsureIndexResult {
  status: "unchanged" | "built";
  build: LiveBuild;
  /** Where the build lives, for people (`build.location`): a folder, or `postgres build N`. */
  dir: string;
  manifest: IndexManifest;
  /** Why a build was made, for the log. */
  reason?: string;
}

const PROGRESS_BATCH = 64;


/**
 * Builds the index unless the live build already matches corpus, model,
 * settings and the code that builds it. A build is incremental: when the live
 * build was made with the same settings and code, the documents whose text is
 * unchanged keep their spans and vectors, so only new and changed documents
 * are embedded; removed ones are gone. The vector graph and the term indexes
 * are rebuilt over all chunks (seconds, against minutes of embedding).
 */
export async function ensureIndex(options: EnsureIndexOptions): Promise<EnsureIndexResult> {
  const settings: IndexSettings = {
    model: options.model,
    chunking: options.chunking,
    hnsw: options.hnsw ?? DEFAULT_HNSW,
    bm25: options.bm25 ?? DEFAULT_BM25,
    corpusHash: options.corpus.hash,
    codeHash: options.codeHash ?? codeFingerprint(),
  };
  const fingerprint = fingerprintOf(settings);
  const settingsFingerprint = settingsFingerprintOf(settings);
  const store = storeOf(options);
  const sameFormat = (build: LiveBuild | null) => build?.manifest.formatVersion === INDEX_FORMAT_VERSION;
  const unchanged = (build: LiveBuild | null): EnsureIndexResult | undefined =>
    !options.force && build && sameFormat(build) && build.manifest.fingerprint === fingerprint
      ? { status: "unchanged", build, dir: build.location, manifest: build.manifest }
      : undefined;
  const current = await store.current();
  const kept = unchanged(current);
  if (kept) return kept;
  if (options.mayBuild === false) {
    const why = current ? describeChange(current.manifest, settings) : "there is no live build";
    throw new RagError("index_incompatible", `${current?.location ?? "The store"} does not match this service (${why}); run npm run ingest to rebuild it.`);
  }
  const release = await store.lock();
  try {
    // A shared store's lock waits for another process's build; what it published may be this very build.
    const latest = await store.current();
    return unchanged(latest) ?? (await build(store, options, settings, fingerprint, settingsFingerprint, latest, sameFormat(latest)));
  } finally {
    await release();
  }
}

function storeOf(options: EnsureIndexOptions): IndexStore {
  if (options.store) return options.store;
  if (options.indexDir) return hnswFileStore(options.indexDir);
  throw new TypeError("ensureIndex needs a store or an indexDir");
}

async function build(
  store: IndexStore,
  options: EnsureIndexOptions,
  settings: IndexSettings,
  fingerprint: string,
  settingsFingerprint: string,
  current: LiveBuild | null,
  sameFormat: boolean,
): Promise<EnsureIndexResult> {
  const reusable = !options.force && current && sameFormat && current.manifest.settingsFingerprint === settingsFingerprint ? await store.readReusable(current) : undefined;

  const documents: StoredDocument[] = [];
  const chunks: Span[] = [];
  const sentences: Span[] = [];
  const chunkVectors: (Float32Array | undefined)[] = [];
  const sentenceVectors: (Float32Array | undefined)[] = [];
  const counts = { added: 0, changed: 0, kept: 0 };
  const slices = timeSlices();
  for (const doc of options.corpus.documents) {
    if (slices.due()) await slices.pause();
    const before = reusable?.documents.get(doc.docId);
    const firstChunk = chunks.length;
    const firstSentence = sentences.length;
    if (before && before.textHash === doc.textHash) {
      counts.kept++;
      copyRows(before.chunkRows, reusable!.chunks, reusable!.chunkVectors, reusable!.dimensions, doc.text, chunks, chunkVectors);
      copyRows(before.sentenceRows, reusable!.sentences, reusable!.sentenceVectors, reusable!.dimensions, doc.text, sentences, sentenceVectors);
    } else {
      counts[before ? "changed" : "added"]++;
      const docSentences = splitSentences(doc.docId, doc.text);
      const docChunks = chunkSentences(doc.text, docSentences, options.chunking);
      // Loops, not push(...all): a document of 200k sentences is more than one call takes arguments.
      for (const chunk of docChunks) {
        chunks.push(chunk);
        chunkVectors.push(undefined);
      }
      for (const sentence of docSentences) {
        sentences.push(sentence);
        sentenceVectors.push(undefined);
      }
    }
    documents.push({ ...doc, chunkRows: [firstChunk, chunks.length], sentenceRows: [firstSentence, sentences.length] });
  }
  const removed = reusable ? [...reusable.documents.keys()].filter((id) => !options.corpus.documents.some((d) => d.docId === id)).length : 0;
  const reason = options.force
    ? "rebuild requested"
    : !current
      ? "no index yet"
      : reusable
        ? counts.added + counts.changed + removed === 0
          ? `document metadata changed; all ${counts.kept} documents kept with their vectors`
          : `corpus changed: ${counts.added} added, ${counts.changed} changed, ${removed} removed, ${counts.kept} kept with their vectors`
        : describeChange(current.manifest, settings);

  const spans = [...chunks, ...sentences];
  const vectors = [...chunkVectors, ...sentenceVectors];
  // A build that only drops documents or renames them needs no model.
  const dims = vectors.every(Boolean) && reusable ? reusable.dimensions : await embedMissing(await options.getEmbedder(), spans, vectors, options.onProgress);

  const sentenceMatrix = new Float32Array(sentences.length * dims);
  vectors.slice(chunks.length).forEach((v, i) => sentenceMatrix.set(v!, i * dims));
  const manifest: IndexManifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    fingerprint,
    settingsFingerprint,
    createdAt: new Date().toISOString(),
    ...settings,
    dimensions: dims,
    counts: { documents: documents.length, chunks: chunks.length, sentences: sentences.length },
  };
  const terms = await buildTermIndexes(chunks, sentences, settings.bm25);
  const published = await store.publish(
    { manifest, documents, chunks, chunkVectors: vectors.slice(0, chunks.length) as Float32Array[], sentences, sentenceVectors: quantizeRows(sentenceMatrix, dims), ...terms },
    options.onProgress,
  );
  return { status: "built", build: published, dir: published.location, manifest, reason };
}

/** Embeds the spans that have no vector yet, shortest first: each batch then pads to a length close to its own texts', which wastes the least compute. */
async function embedMissing(embedder: Embedder, spans: Span[], vectors: (Float32Array | undefined)[], onProgress: EnsureIndexOptions["onProgress"]): Promise<number> {
  const order = spans.map((_, i) => i).filter((i) => !vectors[i]);
  order.sort((a, b) => spans[a]!.text.length - spans[b]!.text.length);
  onProgress?.({ phase: "embed", done: 0, total: order.length });
  for (let i = 0; i < order.length; i += PROGRESS_BATCH) {
    const slice = order.slice(i, i + PROGRESS_BATCH);
    const embedded = await embedder.embed(slice.map((j) => textForModel(spans[j]!.text)));
    slice.forEach((j, row) => (vectors[j] = embedded[row]!));
    onProgress?.({ phase: "embed", done: Math.min(i + PROGRESS_BATCH, order.length), total: order.length });
  }
  return embedder.dimensions;
}

/** Appends a kept document's spans (texts from the unchanged document) and their stored vectors. */
function copyRows(
  [first, end]: [number, number],
  refs: SpanRef[],
  matrix: Float32Array,
  dims: number,
  text: string,
  spans: Span[],
  vectors: (Float32Array | undefined)[],
): void {
  for (let row = first; row < end; row++) {
    const ref = refs[row]!;
    spans.push({ docId: ref.docId, start: ref.start, end: ref.end, text: text.slice(ref.start, ref.end) });
    vectors.push(matrix.slice(row * dims, (row + 1) * dims));
  }
}

/** One vocabulary, numbering the sentence terms and then the BM25 postings (built last, so their runs cover every term). */
export async function buildTermIndexes(chunks: readonly Span[], sentences: readonly Span[], bm25: Bm25Parameters = DEFAULT_BM25) {
  const vocabulary = new Map<string, number>();
  const sentenceTerms = await buildSentenceTerms(sentences, vocabulary);
  const lexicalPostings = await buildLexicalPostings(chunks, vocabulary, bm25);
  return { vocabulary, sentenceTerms, lexicalPostings, lexicalForward: await forwardIndexOf(lexicalPostings) };
}

function describeChange(old: IndexManifest, next: IndexSettings): string {
  if (old.formatVersion !== INDEX_FORMAT_VERSION) return `index format ${old.formatVersion} → ${INDEX_FORMAT_VERSION}`;
  if (old.corpusHash !== next.corpusHash) return "corpus changed";
  if (old.model?.id !== next.model.id || old.model?.quantized !== next.model.quantized) return "model changed";
  // Field by field: manifests before the code hash also held a hand-bumped chunking "strategy".
  if (old.chunking?.maxChars !== next.chunking.maxChars || old.chunking?.overlapChars !== next.chunking.overlapChars) return "chunking changed";
  if (old.hnsw?.m !== next.hnsw.m || old.hnsw?.efConstruction !== next.hnsw.efConstruction) return "HNSW parameters changed";
  if (JSON.stringify(old.bm25) !== JSON.stringify(next.bm25)) return "BM25 parameters changed";
  if (old.codeHash !== next.codeHash) return "code that builds the index changed";
  return "index settings changed";
}
