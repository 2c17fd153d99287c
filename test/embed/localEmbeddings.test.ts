import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Embeddings } from "@langchain/core/embeddings";
import { env, pipeline } from "@huggingface/transformers";
import { resolveConfig } from "../../src/config.js";
import { dot } from "../../src/vectors.js";
import { LocalEmbeddings } from "../../src/embed/localEmbeddings.js";
import { RagError } from "../../src/errors.js";
import { failureWithoutModel } from "../helpers/missingModel.js";

const { modelsDir, modelId } = resolveConfig({}, {});

describe("LocalEmbeddings (the model shipped in models/)", () => {
  // The thread count reaches onnxruntime through the pipeline's session options.
  // First in this file: sessions of later tests would add and, when collected, remove threads.
  it.runIf(process.platform === "linux")("runs onnxruntime with the thread count it is given (each extra thread is one more task)", async () => {
    const tasks = () => readdirSync("/proc/self/task").length;
    // A one-thread load first: whatever else starts threads lazily (libuv's pool, for one) has then started.
    await (await LocalEmbeddings.load({ modelsDir, modelId, quantized: true, threads: 1 })).embed(["warm"]);
    const before = tasks();
    const model = await LocalEmbeddings.load({ modelsDir, modelId, quantized: true, threads: 3 });
    await model.embed(["warm"]);
    expect(tasks() - before).toBe(2);
  });

  it("embeds offline into unit vectors whose dot product ranks meaning", async () => {
    const model = await LocalEmbeddings.load({ modelsDir, modelId, quantized: true });
    expect(model.modelId).toBe("Xenova/all-MiniLM-L6-v2");
    expect(model.dimensions).toBe(384);
    const [question, close, far] = await model.embed([
      "How much Russian money is frozen in Japan?",
      "Japan holds about $30 billion of frozen Russian assets.",
      "Ethanol boils at 78 degrees Celsius.",
    ]);
    for (const v of [question!, close!, far!]) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    expect(dot(question!, close!)).toBeGreaterThan(dot(question!, far!) + 0.2);
  });

  it("gives bit for bit the vectors of the transformers.js pipeline it wraps, one text or a padded batch, on one thread", async () => {
    const model = await LocalEmbeddings.load({ modelsDir, modelId, quantized: true, threads: 1 });
    env.localModelPath = modelsDir;
    env.allowRemoteModels = false;
    const extractor = await pipeline("feature-extraction", modelId, { dtype: "q8", session_options: { intraOpNumThreads: 1 } });
    const texts = ["How much Russian money is frozen in Japan?", "short", "Japan's Diet passed a supplementary budget for aid to Ukraine in 2023."];
    for (const text of texts) {
      const [ours] = await model.embed([text]);
      expect(Array.from(ours!)).toEqual(Array.from((await extractor(text, { pooling: "mean", normalize: true })).data as Float32Array));
    }
    // embed() sorts a batch by length before running it; given in that order, the pipeline pads the same way.
    const sorted = [...texts].sort((a, b) => a.length - b.length);
    const [ours, batched] = [await model.embed(texts), (await extractor(sorted, { pooling: "mean", normalize: true })).data as Float32Array];
    for (const [row, text] of sorted.entries()) {
      expect(Array.from(ours[texts.indexOf(text)]!)).toEqual(Array.from(batched.subarray(row * 384, (row + 1) * 384)));
    }
  });

  it("is a LangChain Embeddings with the same vectors, in input order", async () => {
    const model = await LocalEmbeddings.load({ modelsDir, modelId, quantized: true });
    expect(model).toBeInstanceOf(Embeddings);
    const texts = ["a much longer sentence about sanctions against Russia and frozen assets", "short"];
    const [long, short] = await model.embedDocuments(texts);
    const [directLong, directShort] = [(await model.embed([texts[0]!]))[0]!, (await model.embed([texts[1]!]))[0]!];
    expect(long).toHaveLength(384);
    // Not bit-identical: int8 dynamic quantisation scales activations per batch, padding included (fp32 gives 1.0000; measured 0.981 here).
    expect(dot(Float32Array.from(short!), directShort)).toBeGreaterThan(0.97);
    expect(dot(Float32Array.from(long!), directLong)).toBeGreaterThan(0.97);
    expect(dot(Float32Array.from(short!), directLong)).toBeLessThan(0.9);
    expect(await model.embedQuery("short")).toHaveLength(384);
  });

  it("fails with one sentence naming the model, the directory and the fix when files are missing", async () => {
    const { error, modelsDir: empty } = await failureWithoutModel((modelsDir) => LocalEmbeddings.load({ modelsDir, modelId, quantized: true }));
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).code).toBe("model_not_found");
    expect((error as RagError).message).toContain("Xenova/all-MiniLM-L6-v2");
    expect((error as RagError).message).toContain(empty);
    expect((error as RagError).message).toContain("MODELS_DIR");
  });
});
