import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { WorkerEmbedder } from "../../src/embed/workerEmbedder.js";
import { WorkerPool } from "../../src/embed/workerPool.js";

const { modelsDir, modelId } = resolveConfig({}, {});
const options = { modelsDir, modelId, quantized: true, batchSize: 8, threads: 1 };

describe("WorkerPool (the real model in two worker threads)", () => {
  let pool: WorkerPool;
  let single: WorkerEmbedder;
  beforeAll(async () => {
    [pool, single] = await Promise.all([WorkerPool.start(options, 2), WorkerEmbedder.start(options)]);
  });
  afterAll(async () => {
    await Promise.all([pool.close(), single.close()]);
  });

  it("gives every text the vector one worker gives it, whichever worker embeds it", async () => {
    // Wait for the second worker to join, then send more requests than one worker holds at once.
    for (let i = 0; i < 100 && pool.size < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pool.size).toBe(2);
    const texts = Array.from({ length: 8 }, (_, i) => `Question ${i}: how much aid did Japan give Ukraine?`);
    const [pooled, alone] = await Promise.all([Promise.all(texts.map((t) => pool.embed([t]))), single.embed(texts.slice(0, 1))]);
    expect(pool.modelId).toBe(modelId);
    expect(pool.dimensions).toBe(384);
    expect(Array.from(pooled[0]![0]!)).toEqual(Array.from(alone[0]!));
    const again = await Promise.all(texts.map((t) => single.embed([t])));
    pooled.forEach((vectors, i) => expect(Array.from(vectors[0]!)).toEqual(Array.from(again[i]![0]!)));
  });

  it("rejects requests once closed, with the error table's code", async () => {
    const closing = await WorkerPool.start(options, 1);
    await closing.close();
    await expect(closing.embed(["anything"])).rejects.toMatchObject({ code: "embedding_failed" });
  });

  it("fails to start with the model's own error when no worker can load it", async () => {
    await expect(WorkerPool.start({ ...options, modelsDir: `${modelsDir}/does-not-exist` }, 2)).rejects.toMatchObject({ code: "model_not_found" });
    await expect(WorkerPool.start(options, 0)).rejects.toThrow(RangeError);
  });
});
