import { Worker } from "node:worker_threads";
import { ERROR_STATUS, RagError, type ErrorCode } from "../errors.js";
import type { Embedder } from "./embedder.js";
import type { LocalModelOptions } from "./localEmbeddings.js";
import type { WorkerReply, WorkerError, WorkerRequest } from "./workerProtocol.js";

const WORKER_MODULE = new URL(`./embedWorker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href;

// Run from TypeScript sources (tsx, vitest), the worker must load tsx itself:
// loader hooks of the main thread do not reach worker threads on Node 20.
const BOOTSTRAP = WORKER_MODULE.endsWith(".ts")
  ? `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(WORKER_MODULE)}); })`
  : `import(${JSON.stringify(WORKER_MODULE)})`;

const toError = (error: WorkerError) =>
  new RagError(error.code in ERROR_STATUS ? (error.code as ErrorCode) : "embedding_failed", error.message);

/**
 * The local model in a worker thread, so inference never blocks the event
 * loop: `/healthz` answers and other requests are parsed while a batch runs.
 * The worker keeps the process alive only while requests are pending.
 */
export class WorkerEmbedder implements Embedder {
  readonly specificationVersion = "v1" as const;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly modelId: string,
    readonly dimensions: number,
  ) {
    worker.on("message", (reply: WorkerReply) => {
      if (reply.type !== "vectors" && reply.type !== "error") return;
      const request = this.pending.get(reply.id);
      if (!request) return;
      this.settled(reply.id);
      if (reply.type === "vectors") request.resolve(reply.vectors);
      else request.reject(toError(reply.error));
    });
    const fail = (error: Error) => {
      this.failure = new RagError("embedding_failed", `The embedding worker stopped: ${error.message}`);
      for (const [id, request] of this.pending) {
        this.settled(id);
        request.reject(this.failure);
      }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    worker.unref();
  }

  /** Starts the worker and waits until its model is loaded; a missing model rejects with `model_not_found`. */
  static start(options: LocalModelOptions): Promise<WorkerEmbedder> {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: options });
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.type === "ready") {
          worker.off("error", onError);
          worker.off("message", onMessage);
          resolve(new WorkerEmbedder(worker, reply.modelId, reply.dimensions));
        } else if (reply.type === "failed") {
          void worker.terminate();
          reject(toError(reply.error));
        }
      };
      const onError = (error: Error) => reject(new RagError("embedding_failed", `The embedding worker failed to start: ${error.message}`));
      worker.on("message", onMessage);
      worker.once("error", onError);
    });
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      const request: WorkerRequest = { id, texts, behind: this.pending.size };
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }
}
