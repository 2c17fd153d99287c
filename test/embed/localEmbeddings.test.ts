import { describe, expect, it } from "vitest";
import { Embeddings } from "@langchain/core/embeddings";
import { resolveConfig } from "../../src/config.js";
import { dot } from "../../src/vectors.js";
import { LocalEmbeddings } from "../../src/embed/localEmbeddings.js";
import { RagError } from "../../src/errors.js";
import { failureWithoutModel } from "../helpers/missingModel.js";

const { modelsDir, modelId } = resolveConfig({}, {});

describe("LocalEmbeddings (the model shipped in models/)", () => {
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
