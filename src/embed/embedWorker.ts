// Runs in a child process: the model's forward pass is synchronous native code,
// and here it cannot stall the HTTP event loop. See WorkerEmbedder for why a
// process and not a worker thread.
import { RagError } from "../errors.js";
import { LocalEmbeddings, type LocalModelOptions } from "./localEmbeddings.js";
import type { WorkerReply, WorkerRequest } from "./workerProtocol.js";

// A reply to a parent that has gone (it exits, or closes the channel to replace
// this worker) is dropped: the send would fail with EPIPE, unhandled.
const send = (reply: WorkerReply) => {
  if (process.connected) process.send!(reply, undefined, {}, () => undefined);
};
const describe = (error: unknown) =>
  error instanceof RagError ? { code: error.code, message: error.message } : { code: "internal", message: (error as Error).message ?? String(error) };

// The parent ends this process (or its channel closes, however the parent
// died): Ctrl-C and a service manager's stop reach the whole process group, and
// a worker that died of them while the service shuts down would be replaced.
process.on("disconnect", () => process.exit());
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => undefined);

try {
  const options = JSON.parse(process.argv[2]!) as LocalModelOptions;
  const model = await LocalEmbeddings.load(options);
  // A session's first run sets up its memory (≈ 2.5 ms more than later runs):
  // paid here, at start, instead of by the first request.
  await model.embed(["warm-up"]);
  send({ type: "ready", modelId: model.modelId, dimensions: model.dimensions });
  // One request at a time, in arrival order: batching strangers' texts together
  // would change their vectors (the int8 model is not padding-invariant).
  let queue = Promise.resolve();
  process.on("message", (request: WorkerRequest) => {
    queue = queue.then(async () => {
      try {
        const vectors = await model.embed(request.texts);
        send({ type: "vectors", id: request.id, vectors });
      } catch (error) {
        send({ type: "error", id: request.id, error: describe(error) });
      }
    });
  });
} catch (error) {
  send({ type: "failed", error: describe(error) });
}
