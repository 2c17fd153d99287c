import type { RagConfig } from "../config.js";
import { CachedEmbedder } from "./cachedEmbedder.js";
import type { Embedder } from "./embedder.js";
import type { LocalModelOptions } from "./localEmbeddings.js";
import { WorkerEmbedder } from "./workerEmbedder.js";

export interface LoadedEmbedder {
  /** For ingest: every text goes to the model. */
  embedder: Embedder;
  /** For questions: the same model behind the query cache. */
  queries: Embedder;
  /** False while a dead worker process is replaced, and for good once workers died too often; always true in-process. */
  isReady(): boolean;
  /** The worker process's embedder, when the model runs in one: fault tests kill it through `killWorkerForTesting()`. */
  worker?: WorkerEmbedder;
  /** Stops the worker process, if any. */
  close(): Promise<void>;
}

/** The configured local model: in a worker process or in-process, with its thread count and query cache. */
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
  const embedder = config.embedInWorker
    ? await WorkerEmbedder.start(options, { callTimeoutMs: config.embedTimeoutMs })
    : await (await import("./localEmbeddings.js")).LocalEmbeddings.load(options);
  const worker = embedder instanceof WorkerEmbedder ? embedder : undefined;
  return {
    embedder,
    queries: config.queryCacheSize > 0 ? new CachedEmbedder(embedder, config.queryCacheSize) : embedder,
    isReady: () => worker?.isReady() ?? true,
    worker,
    close: async () => {
      await worker?.close();
    },
  };
}
