import type { RagConfig } from "../config.js";
import type { Embedder } from "../embed/embedder.js";
import { RagError } from "../errors.js";
import type { LoadedIndex } from "../store/indexParts.js";
import { loadIndex } from "../store/loadIndex.js";
import { ensureIndex, type EnsureIndexOptions, type EnsureIndexResult, type IngestProgress } from "./buildIndex.js";
import type { Corpus } from "./loadCorpus.js";

export type IndexConfig = Pick<RagConfig, "indexDir" | "modelId" | "quantized" | "chunkMaxChars" | "chunkOverlapChars">;

export interface OpenIndexOptions {
  config: IndexConfig;
  corpus: Corpus;
  /** Called only when a build is needed, so an up-to-date index never waits for the model. */
  getEmbedder: () => Promise<Embedder>;
  /** Rebuild even when the live build matches. */
  force?: boolean;
  onProgress?: (progress: IngestProgress) => void;
}

export interface OpenedIndex {
  /** Whether a build was made, and why (`reason`), for the log. */
  result: EnsureIndexResult;
  index: LoadedIndex;
}

/** What the settings make of the build: the one mapping from configuration to `ensureIndex`. */
export function indexOptionsOf(options: OpenIndexOptions): EnsureIndexOptions {
  const { config, corpus, getEmbedder, force, onProgress } = options;
  return {
    indexDir: config.indexDir,
    corpus,
    model: { id: config.modelId, quantized: config.quantized },
    chunking: { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars },
    getEmbedder,
    force,
    onProgress,
  };
}

/**
 * The load-or-rebuild path every entry point takes (`npm start`, `npm run
 * ingest`, `npm run ask`, the library): builds the index when it is missing or
 * stale, then reads it. A live build whose manifest matches but whose parts
 * cannot be read (a disk error, a partial copy) is rebuilt once, the reason
 * saying why, instead of leaving the service unable to start.
 */
export async function openIndex(options: OpenIndexOptions): Promise<OpenedIndex> {
  const ensureOptions = indexOptionsOf(options);
  const result = await ensureIndex(ensureOptions);
  try {
    return { result, index: await loadIndex(result.dir, result.manifest, options.corpus.documents) };
  } catch (error) {
    if (result.status === "built" || !(error instanceof RagError && error.code === "index_incompatible")) throw error;
    const rebuilt: EnsureIndexResult = {
      ...(await ensureIndex({ ...ensureOptions, force: true })),
      reason: `the live build could not be read: ${error.message}`,
    };
    return { result: rebuilt, index: await loadIndex(rebuilt.dir, rebuilt.manifest, options.corpus.documents) };
  }
}
