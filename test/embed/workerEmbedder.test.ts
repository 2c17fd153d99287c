import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { WorkerEmbedder } from "../../src/embed/workerEmbedder.js";
import { RagError } from "../../src/errors.js";
import { failureWithoutModel } from "../helpers/missingModel.js";

const { modelsDir, modelId } = resolveConfig({}, {});

// The in-process reference runs in a child process: with onnxruntime-node 1.14,
// a worker thread that exits while the main thread holds a session can corrupt
// the heap, so no test process may hold both.
async function embedInAnotherProcess(texts: string[]): Promise<Float32Array[]> {
  const module = new URL("../../src/embed/localEmbeddings.ts", import.meta.url).href;
  const script = `
    const { LocalEmbeddings } = await import(${JSON.stringify(module)});
    const model = await LocalEmbeddings.load(${JSON.stringify({ modelsDir, modelId, quantized: true })});
    process.stdout.write(JSON.stringify((await model.embed(${JSON.stringify(texts)})).map((v) => Array.from(v))));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { maxBuffer: 1 << 24 });
  return (JSON.parse(stdout) as number[][]).map((v) => Float32Array.from(v));
}

describe("WorkerEmbedder (the real model in a worker thread)", () => {
  let worker: WorkerEmbedder;
  beforeAll(async () => {
    worker = await WorkerEmbedder.start({ modelsDir, modelId, quantized: true, batchSize: 64 });
  });
  afterAll(() => worker.close());

  it("gives the same vectors as the model in-process", async () => {
    const texts = ["How much has Japan given Ukraine?", "Japan froze the assets of Russian officials.", "short"];
    const [fromWorker, inProcess] = [await worker.embed(texts), await embedInAnotherProcess(texts)];
    expect(worker.dimensions).toBe(384);
    expect(fromWorker).toHaveLength(3);
    fromWorker.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(inProcess[i]!)));
  });

  it("keeps the event loop free while it embeds", async () => {
    // One forward pass over 32 long texts: in-process this would block the loop for its whole length.
    const texts = Array.from({ length: 32 }, (_, i) => `Passage ${i}: ` + "Japan imposed sanctions on Russia and froze assets. ".repeat(8));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await worker.embed(texts);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // Timers fire throughout, not only once the batch is done.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 5 / 4));
    expect(ticks).toBeGreaterThan(3);
  });

  it("answers concurrent calls each with their own vectors", async () => {
    const texts = ["sanctions", "humanitarian aid", "frozen assets", "energy imports"];
    const together = await Promise.all(texts.map((t) => worker.embed([t])));
    const oneByOne: Float32Array[] = [];
    for (const t of texts) oneByOne.push((await worker.embed([t]))[0]!);
    // Requests are never batched together, so a vector does not depend on what else was in flight;
    // nor on the session: those sent while others were in flight ran on the one-thread session.
    together.forEach(([v], i) => expect(Array.from(v!)).toEqual(Array.from(oneByOne[i]!)));
  });

  it("fails to start with model_not_found naming the directory when the model is missing", async () => {
    const { error, modelsDir: empty } = await failureWithoutModel((modelsDir) => WorkerEmbedder.start({ modelsDir, modelId, quantized: true }));
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).code).toBe("model_not_found");
    expect((error as RagError).message).toContain(empty);
  });
});
