import type { RagConfig } from "../config.js";
import type { Embedder } from "../embed/embedder.js";
import { RagError } from "../errors.js";
import { hnswFileStore } from "../store/hnswFileStore.js";
import type { IndexStore } from "../store/indexStore.js";
import type { LoadedIndex } from "../store/indexParts.js";
import { ensureIndex, type EnsureIndexOptions, type EnsureIndexResult, type IngestProgress } from "./buildIndex.js";
import { corpusOf, loadCorpus, type Corpus } from "./loadCorpus.js";

export type IndexConfig = Pick<
  RagConfig,
  "corpusDir" | "indexDir" | "modelId" | "quantized" | "chunkMaxChars" | "chunkOverlapChars" | "hnswM" | "hnswEfConstruction" | "hnswEfSearch"
>;

export interface OpenIndexOptions {
  config: IndexConfig;
  /** Where builds are kept (default: files under `config.indexDir`). */
  store?: IndexStore;
  /** Called only when a build embeds something, so an up-to-date index never waits for the model. */
  getEmbedder: () => Promise<Embedder>;
  /** Rebuild everything even when the live build matches. */
  force?: boolean;
  onProgress?: (progress: IngestProgress) => void;
  /**
   * Where the documents come from: the corpus folder (the default); the live
   * build's own documents when there is a live build (a replica of a shared
   * store serves what the store holds, whatever its folder holds); or a corpus
   * already made (a document added or deleted over the API).
   */
  documents?: "folder" | "live" | Corpus;
  /** False: serve the live build as it is or fail; never build (see `EnsureIndexOptions.mayBuild`). */
  mayBuild?: boolean;
}

export interface OpenedIndex {
  corpus: Corpus;
  /** Whether a build was made, and why (`reason`), for the log. */
  result: EnsureIndexResult;
  index: LoadedIndex;
}

/**
 * The load-or-rebuild path every entry point takes (`npm start`, `npm run
 * ingest`, `npm run ask`, the library, documents added over the API): reads
 * the documents (from the corpus folder, HTML and PDF text kept from the live
 * build while their files are unchanged), builds the index when it is missing
 * or stale (incrementally: see `ensureIndex`), then reads it. A live build
 * whose manifest matches but whose parts cannot be read (a disk error, a
 * partial copy) is rebuilt once, the reason saying why, instead of leaving the
 * service unable to start.
 */
export async function openIndex(options: OpenIndexOptions): Promise<OpenedIndex> {
  const { config, getEmbedder, force, onProgress, mayBuild } = options;
  const store = options.store ?? hnswFileStore(config.indexDir);
  const corpus = await corpusFor(store, options);
  const ensureOptions: EnsureIndexOptions = {
    store,
    corpus,
    model: { id: config.modelId, quantized: config.quantized },
    chunking: { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars },
    hnsw: { m: config.hnswM, efConstruction: config.hnswEfConstruction, efSearch: config.hnswEfSearch },
    getEmbedder,
    force,
    onProgress,
    mayBuild,
  };
  const result = await ensureIndex(ensureOptions);
  const search = { efSearch: config.hnswEfSearch };
  try {
    return { corpus, result, index: await store.load(result.build, corpus.documents, search) };
  } catch (error) {
    if (result.status === "built" || mayBuild === false || !(error instanceof RagError && error.code === "index_incompatible")) throw error;
    const rebuilt: EnsureIndexResult = {
      ...(await ensureIndex({ ...ensureOptions, force: true })),
      reason: `the live build could not be read: ${error.message}`,
    };
    return { corpus, result: rebuilt, index: await store.load(rebuilt.build, corpus.documents, search) };
  }
}

async function corpusFor(store: IndexStore, { config, documents = "folder", onProgress }: OpenIndexOptions): Promise<Corpus> {
  if (typeof documents === "object") return documents;
  // Read only when needed: a folder of plain text never looks at the live build's documents.
  const stored = async () => {
    const current = await store.current();
    return current ? store.readDocuments(current) : undefined;
  };
  if (documents === "live") {
    const live = await stored();
    if (live) return corpusOf(live.map(({ chunkRows: _rows, sentenceRows: _sentenceRows, ...doc }) => doc));
  }
  return loadCorpus(config.corpusDir, {
    previous: async () => {
      const live = await stored();
      return live ? new Map(live.map((d) => [d.file, d])) : undefined;
    },
    onProgress,
  });
}
