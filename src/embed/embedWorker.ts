// Runs inside a worker thread: the model's forward pass is synchronous native
// code, and here it cannot stall the HTTP event loop.
import { parentPort, workerData } from "node:worker_threads";
import { RagError } from "../errors.js";
import { LocalEmbeddings, type LocalModelOptions } from "./localEmbeddings.js";
import type { WorkerReply, WorkerRequest } from "./workerProtocol.js";

const port = parentPort!;
const describe = (error: unknown) =>
  error instanceof RagError ? { code: error.code, message: error.message } : { code: "internal", message: (error as Error).message ?? String(error) };

try {
  const options = workerData as LocalModelOptions;
  const model = await LocalEmbeddings.load(options);
  // A request sent while others are in flight runs on a one-thread session: under
  // load, the cores onnxruntime would take (its spare threads spin between runs)
  // serve HTTP and retrieval instead. A lone request gets every configured thread.
  // Both sessions give the same vectors.
  const underLoad = options.threads === 1 ? model : await LocalEmbeddings.load({ ...options, threads: 1 });
  // A session's first run sets up its memory (≈ 2.5 ms more than later runs):
  // paid here, at start, instead of by the first request to reach each session.
  for (const session of new Set([model, underLoad])) await session.embed(["warm-up"]);
  port.postMessage({ type: "ready", modelId: model.modelId, dimensions: model.dimensions } satisfies WorkerReply);
  // One request at a time, in arrival order: batching strangers' texts together
  // would change their vectors (the int8 model is not padding-invariant).
  let queue = Promise.resolve();
  port.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      try {
        const vectors = await (request.behind > 0 ? underLoad : model).embed(request.texts);
        port.postMessage({ type: "vectors", id: request.id, vectors } satisfies WorkerReply, vectors.map((v) => v.buffer as ArrayBuffer));
      } catch (error) {
        port.postMessage({ type: "error", id: request.id, error: describe(error) } satisfies WorkerReply);
      }
    });
  });
} catch (error) {
  port.postMessage({ type: "failed", error: describe(error) } satisfies WorkerReply);
}
