import type { Embedder } from "../embed/embedder.js";
import { readCurrentBuild } from "../store/buildFiles.js";
import { codeFingerprint } from "../store/codeFingerprint.js";
import { DEFAULT_HNSW, HnswStore, type HnswParameters } from "../store/hnswStore.js";
import { fingerprintOf, INDEX_FORMAT_VERSION, type IndexManifest, type IndexSettings } from "../store/indexManifest.js";
import { saveIndex } from "../store/saveIndex.js";
import type { Bm25Parameters } from "../store/indexParts.js";
import { buildLexicalPostings, DEFAULT_BM25 } from "../retrieval/lexicalPostings.js";
import { buildSentenceTerms } from "../retrieval/sentenceTerms.js";
import type { Span } from "../types.js";
import { timeSlices } from "../timeSlices.js";
import { chunkSentences, type ChunkingOptions } from "./chunk.js";
import type { Corpus } from "./loadCorpus.js";
import { splitSentences } from "./sentences.js";

/** Embedding counts texts (chunks and sentences); building the vector graph counts chunks. */
export interface IngestProgress {
  phase: "embed" | "graph";
  done: number;
  total: number;
}

export interface EnsureIndexOptions {
  indexDir: string;
  corpus: Corpus;
  model: { id: string; quantized: boolean };
  chunking: ChunkingOptions;
  hnsw?: HnswParameters;
  bm25?: Bm25Parameters;
  /** Hash of the code that shapes a build; defaults to this package's (`codeFingerprint`). */
  codeHash?: string;
  /** Called only when a build is needed, so an up-to-date index never loads the model. */
  getEmbedder: () => Promise<Embedder>;
  /** Rebuild even when the live build matches. */
  force?: boolean;
  onProgress?: (progress: IngestProgress) => void;
}

export interface EnsureIndexResult {
  status: "unchanged" | "built";
  dir: string;
  manifest: IndexManifest;
  /** Why a build was made, for the log. */
  reason?: string;
}

const PROGRESS_BATCH = 64;

/** Builds the index unless the live build already matches corpus, model, settings and the code that builds it. */
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
  const current = await readCurrentBuild(options.indexDir);
  if (!options.force && current && current.manifest.fingerprint === fingerprint && current.manifest.formatVersion === INDEX_FORMAT_VERSION) {
    return { status: "unchanged", dir: current.dir, manifest: current.manifest };
  }
  const reason = options.force ? "rebuild requested" : current ? describeChange(current.manifest, settings) : "no index yet";

  const sentences: Span[] = [];
  const chunks: Span[] = [];
  const slices = timeSlices();
  for (const doc of options.corpus.documents) {
    if (slices.due()) await slices.pause();
    const docSentences = splitSentences(doc.docId, doc.text);
    sentences.push(...docSentences);
    chunks.push(...chunkSentences(doc.text, docSentences, options.chunking));
  }

  const embedder = await options.getEmbedder();
  const texts = [...chunks, ...sentences].map((s) => s.text);
  // Shortest first across the whole corpus: each batch then pads to a length
  // close to its own texts', which wastes the least compute.
  const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const vectors = new Array<Float32Array>(texts.length);
  options.onProgress?.({ phase: "embed", done: 0, total: texts.length });
  for (let i = 0; i < order.length; i += PROGRESS_BATCH) {
    const slice = order.slice(i, i + PROGRESS_BATCH);
    const embedded = await embedder.embed(slice.map((j) => texts[j]!));
    slice.forEach((j, row) => (vectors[j] = embedded[row]!));
    options.onProgress?.({ phase: "embed", done: Math.min(i + PROGRESS_BATCH, order.length), total: texts.length });
  }

  const sentenceVectors = new Float32Array(sentences.length * embedder.dimensions);
  vectors.slice(chunks.length).forEach((v, i) => sentenceVectors.set(v, i * embedder.dimensions));
  const manifest: IndexManifest = {
    formatVersion: INDEX_FORMAT_VERSION,
    fingerprint,
    createdAt: new Date().toISOString(),
    ...settings,
    dimensions: embedder.dimensions,
    counts: { documents: options.corpus.documents.length, chunks: chunks.length, sentences: sentences.length },
  };
  const chunkStore = await HnswStore.build(vectors.slice(0, chunks.length), embedder.dimensions, settings.hnsw, (done) =>
    options.onProgress?.({ phase: "graph", done, total: chunks.length }),
  );
  const terms = await buildTermIndexes(chunks, sentences, settings.bm25);
  const dir = await saveIndex(options.indexDir, { manifest, chunkStore, chunks, sentences, sentenceVectors, ...terms });
  return { status: "built", dir, manifest, reason };
}

/** One vocabulary, numbering the sentence terms and then the BM25 postings (built last, so their runs cover every term). */
export async function buildTermIndexes(chunks: readonly Span[], sentences: readonly Span[], bm25: Bm25Parameters = DEFAULT_BM25) {
  const vocabulary = new Map<string, number>();
  const sentenceTerms = await buildSentenceTerms(sentences, vocabulary);
  const lexicalPostings = await buildLexicalPostings(chunks, vocabulary, bm25);
  return { vocabulary, sentenceTerms, lexicalPostings };
}

function describeChange(old: IndexManifest, next: IndexSettings): string {
  if (old.formatVersion !== INDEX_FORMAT_VERSION) return `index format ${old.formatVersion} → ${INDEX_FORMAT_VERSION}`;
  if (old.corpusHash !== next.corpusHash) return "corpus changed";
  if (old.model?.id !== next.model.id || old.model?.quantized !== next.model.quantized) return "model changed";
  // Field by field: manifests before the code hash also held a hand-bumped chunking "strategy".
  if (old.chunking?.maxChars !== next.chunking.maxChars || old.chunking?.overlapChars !== next.chunking.overlapChars) return "chunking changed";
  if (JSON.stringify(old.hnsw) !== JSON.stringify(next.hnsw)) return "HNSW parameters changed";
  if (JSON.stringify(old.bm25) !== JSON.stringify(next.bm25)) return "BM25 parameters changed";
  if (old.codeHash !== next.codeHash) return "code that builds the index changed";
  return "index settings changed";
}
