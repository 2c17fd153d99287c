import type { RagConfig } from "../config.js";
import type { Embedder } from "../embed/embedder.js";
import { RagError } from "../errors.js";
import { readCurrentBuild } from "../store/buildFiles.js";
import type { LoadedIndex } from "../store/indexParts.js";
import { loadIndex } from "../store/loadIndex.js";
import { readStoredDocuments, type StoredDocument } from "../store/storedDocuments.js";
import { ensureIndex, type EnsureIndexOptions, type EnsureIndexResult, type IngestProgress } from "./buildIndex.js";
import { loadCorpus, type Corpus } from "./loadCorpus.js";

export type IndexConfig = Pick<RagConfig, "corpusDir" | "indexDir" | "modelId" | "quantized" | "chunkMaxChars" | "chunkOverlapChars">;

export interface OpenIndexOptions {
  config: IndexConfig;
  /** Called only when a build embeds something, so an up-to-date index never waits for the model. */
  getEmbedder: () => Promise<Embedder>;
  /** Rebuild everything even when the live build matches. */
  force?: boolean;
  onProgress?: (progress: IngestProgress) => void;
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
 * the corpus folder (HTML and PDF text kept from the live build while their
 * files are unchanged), builds the index when it is missing or stale
 * (incrementally: see `ensureIndex`), then reads it. A live build whose
 * manifest matches but whose parts cannot be read (a disk error, a partial
 * copy) is rebuilt once, the reason saying why, instead of leaving the service
 * unable to start.
 */
export async function openIndex(options: OpenIndexOptions): Promise<OpenedIndex> {
  const { config, getEmbedder, force, onProgress } = options;
  // Parsed at most once per build directory: the corpus loader (extracted texts) and an incremental build (spans) both read it.
  const parsed = new Map<string, Promise<StoredDocument[] | undefined>>();
  const readDocuments = (dir: string) => parsed.get(dir) ?? parsed.set(dir, readStoredDocuments(dir)).get(dir)!;
  const corpus = await loadCorpus(config.corpusDir, {
    previous: async () => {
      const current = await readCurrentBuild(config.indexDir);
      const stored = current && (await readDocuments(current.dir));
      return stored ? new Map(stored.map((d) => [d.file, d])) : undefined;
    },
    onProgress,
  });
  const ensureOptions: EnsureIndexOptions = {
    indexDir: config.indexDir,
    corpus,
    model: { id: config.modelId, quantized: config.quantized },
    chunking: { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars },
    getEmbedder,
    force,
    onProgress,
    readDocuments,
  };
  const result = await ensureIndex(ensureOptions);
  try {
    return { corpus, result, index: await loadIndex(result.dir, result.manifest, corpus.documents) };
  } catch (error) {
    if (result.status === "built" || !(error instanceof RagError && error.code === "index_incompatible")) throw error;
    const rebuilt: EnsureIndexResult = {
      ...(await ensureIndex({ ...ensureOptions, force: true })),
      reason: `the live build could not be read: ${error.message}`,
    };
    return { corpus, result: rebuilt, index: await loadIndex(rebuilt.dir, rebuilt.manifest, corpus.documents) };
  }
}
