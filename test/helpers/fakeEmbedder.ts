import { createHash } from "node:crypto";
import type { Embedder } from "../../src/embed/embedder.js";

/** Deterministic unit vectors from a hash of the text: fast, for tests of plumbing only. */
export function fakeEmbedder(modelId = "fake/hash-embedder", dimensions = 16): Embedder & { calls: number } {
  return {
    specificationVersion: "v1",
    modelId,
    dimensions,
    calls: 0,
    async embed(texts) {
      this.calls++;
      return texts.map((text) => {
        const bytes = createHash("sha256").update(text).digest();
        const v = Float32Array.from({ length: dimensions }, (_, i) => bytes[i % bytes.length]! - 127.5);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
    },
  };
}
