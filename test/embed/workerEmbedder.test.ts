import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { loadEmbedder } from "../../src/embed/loadEmbedder.js";
import { WorkerEmbedder, type WorkerSupervision } from "../../src/embed/workerEmbedder.js";
import { RagError } from "../../src/errors.js";
import { failureWithoutModel } from "../helpers/missingModel.js";

const { modelsDir, modelId } = resolveConfig({}, {});

// The in-process reference runs in a child process: this test process then
// holds no model session of its own beside the worker's replacements.
async function embedInAnotherProcess(texts: string[]): Promise<Float32Array[]> {
  const module = new URL("../../src/embed/localEmbeddings.ts", import.meta.url).href;
  const script = `
    const { LocalEmbeddings } = await import(${JSON.stringify(module)});
    const model = await LocalEmbeddings.load(${JSON.stringify({ modelsDir, modelId, quantized: true })});
    process.stdout.write(JSON.stringify((await model.embed(${JSON.stringify(texts)})).map((v) => Array.from(v))));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { maxBuffer: 1 << 24 });
  return (JSON.parse(stdout) as number[][]).map((v) => Float32Array.from(v));
}

describe("WorkerEmbedder (the real model in a worker process)", () => {
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

describe("WorkerEmbedder when its worker dies", () => {
  const options = { modelsDir, modelId, quantized: true, batchSize: 64 };
  const texts = ["How much has Japan given Ukraine?", "Japan froze the assets of Russian officials."];
  // Hundreds of milliseconds of inference: the worker cannot answer before it is killed.
  const longTexts = Array.from({ length: 64 }, (_, i) => `Passage ${i}: ` + "Japan imposed sanctions on Russia and froze assets. ".repeat(8));
  const started: WorkerEmbedder[] = [];
  const start = async (supervision: WorkerSupervision, model = options) => {
    const embedder = await WorkerEmbedder.start(model, supervision);
    started.push(embedder);
    return embedder;
  };
  // pgrep exits with 1 when it finds none.
  const childProcesses = () =>
    promisify(execFile)("pgrep", ["-P", String(process.pid)]).then(
      ({ stdout }) => stdout.split("\n").filter(Boolean),
      () => [],
    );
  afterAll(() => Promise.all(started.map((e) => e.close())));

  it("fails the requests in flight, logs the cause, and serves the same vectors from a new worker", async () => {
    const heard: string[] = [];
    const embedder = await start({ log: (message) => heard.push(message) });
    const before = await embedder.embed(texts);
    expect(embedder.isReady()).toBe(true);

    const inFlight = embedder.embed(longTexts).then(
      () => undefined,
      (error: unknown) => error,
    );
    await embedder.killWorkerForTesting();
    expect(embedder.isReady()).toBe(false);
    expect(heard).toEqual(["embedding worker died (signal SIGKILL); starting a new one"]);
    const error = await inFlight;
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).code).toBe("embedding_failed");
    expect((error as RagError).status).toBe(503);
    expect((error as RagError).message).toMatch(/died \(signal SIGKILL\); a new one is starting, retry/);

    // Made while the new worker loads: it waits for it instead of failing.
    const after = await embedder.embed(texts);
    expect(embedder.isReady()).toBe(true);
    after.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(before[i]!)));
    expect(heard).toHaveLength(1);
  });

  it("takes a worker that does not answer within the call timeout as hung: kills and replaces it, and fails the call", async () => {
    const heard: string[] = [];
    const embedder = await start({ log: (message) => heard.push(message), callTimeoutMs: 1 });
    await expect(embedder.embed(longTexts)).rejects.toMatchObject({ code: "embedding_failed", message: expect.stringMatching(/did not answer within 1 ms \(EMBED_TIMEOUT_MS\)/) });
    expect(heard[0]).toBe("embedding worker did not answer within 1 ms (EMBED_TIMEOUT_MS); starting a new one");
  });

  it("stops replacing workers that keep dying, and fails every call from then on", async () => {
    const heard: string[] = [];
    const embedder = await start({ log: (message) => heard.push(message), maxDeaths: 1 });
    await embedder.killWorkerForTesting();
    await embedder.embed(texts); // served by the replacement
    await embedder.killWorkerForTesting();
    expect(heard).toEqual([
      "embedding worker died (signal SIGKILL); starting a new one",
      "embedding worker died (signal SIGKILL); 2 deaths within 60 s, so no new one is started and embedding fails until the process restarts",
    ]);
    expect(embedder.isReady()).toBe(false);
    await expect(embedder.embed(texts)).rejects.toMatchObject({ code: "embedding_failed", message: expect.stringMatching(/no longer replaced/) });
    expect(embedder.isReady()).toBe(false);
  });

  it("fails the calls waiting for a replacement that cannot start, naming the cause", async () => {
    // The model is reached through a link removed once the first worker has loaded it.
    const linked = await mkdtemp(path.join(os.tmpdir(), "linked-models-"));
    try {
      const [owner] = modelId.split("/");
      await symlink(path.join(modelsDir, owner!), path.join(linked, owner!));
      const heard: string[] = [];
      const embedder = await start({ log: (message) => heard.push(message), maxDeaths: 1 }, { ...options, modelsDir: linked });
      await rm(path.join(linked, owner!));
      await embedder.killWorkerForTesting();
      const error = await embedder.embed(texts).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as RagError).code).toBe("embedding_failed");
      expect((error as RagError).message).toMatch(/replacement failed to start: Embedding model .* is missing/);
      expect(heard[1]).toMatch(/^embedding worker replacement failed to start \(Embedding model .* is missing .*\); 2 deaths within 60 s/);
      expect(embedder.isReady()).toBe(false);
    } finally {
      await rm(linked, { recursive: true, force: true });
    }
  });

  it("close() while a new worker starts stops it and fails the calls waiting for it", async () => {
    const embedder = await start({ log: () => undefined });
    const before = await childProcesses();
    await embedder.killWorkerForTesting();
    const waiting = embedder.embed(texts);
    await embedder.close();
    await expect(waiting).rejects.toMatchObject({ code: "embedding_failed", message: "The embedding worker was closed." });
    expect(embedder.isReady()).toBe(false);
    // Neither the killed worker nor its replacement is left.
    const after = await childProcesses();
    expect(after).toHaveLength(before.length - 1);
    expect(before).toEqual(expect.arrayContaining(after));
  });

  it("is reachable from loadEmbedder, whose readiness follows the worker's; deaths go to console.error", async () => {
    const loaded = await loadEmbedder({ ...resolveConfig({}, {}), embedInWorker: true });
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(loaded.isReady()).toBe(true);
      await loaded.worker!.killWorkerForTesting();
      expect(loaded.isReady()).toBe(false);
      expect(consoleError).toHaveBeenCalledWith("embedding worker died (signal SIGKILL); starting a new one");
      await loaded.queries.embed(texts);
      expect(loaded.isReady()).toBe(true);
    } finally {
      consoleError.mockRestore();
      await loaded.close();
    }
  });
});
