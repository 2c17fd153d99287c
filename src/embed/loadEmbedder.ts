import type { RagConfig } from "../config.js";
import { CachedEmbedder } from "./cachedEmbedder.js";
import type { Embedder } from "./embedder.js";
import type { LocalModelOptions } from "./localEmbeddings.js";
import { WorkerPool } from "./workerPool.js";

export interface LoadedEmbedder {
  /** For ingest: every text goes to the model. */
  embedder: Embedder;
  /** For questions: the same model behind the query cache. */
  queries: Embedder;
  /** Stops the worker thread, if any. */
  close(): Promise<void>;
}

/** The configured local model: in a worker thread or in-process, with its thread count and query cache. */
export async function loadEmbedder(config: RagConfig): Promise<LoadedEmbedder> {
  const options: LocalModelOptions = {
    modelsDir: config.modelsDir,
    modelId: config.modelId,
    quantized: config.quantized,
    batchSize: config.embedBatchSize,
    threads: config.embedThreads,
  };
  // Imported only when used: with the worker, the main thread never loads the
  // model runtime, which would cost start-up time for nothing.
  const embedder = config.embedWorkers > 0
    ? await WorkerPool.start(options, config.embedWorkers)
    : await (await import("./localEmbeddings.js")).LocalEmbeddings.load(options);
  return {
    embedder,
    queries: config.queryCacheSize > 0 ? new CachedEmbedder(embedder, config.queryCacheSize) : embedder,
    close: async () => {
      if (embedder instanceof WorkerPool) await embedder.close();
    },
  };
}
