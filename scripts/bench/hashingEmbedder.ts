import { createHash } from "node:crypto";
import type { Embedder } from "../../src/embed/embedder.js";
import { contentTerms } from "../../src/retrieval/terms.js";

/**
 * A stand-in for the model in the scale study: feature hashing of a text's
 * content terms into unit vectors of the model's size. Texts sharing words get
 * similar vectors, so the HNSW graph has a realistic shape, but 100k chunks
 * embed in seconds instead of hours. Never used by the service.
 */
export function hashingEmbedder(dimensions = 384): Embedder {
  const slots = new Map<string, [number, number]>();
  const slotOf = (term: string) => {
    let slot = slots.get(term);
    if (!slot) {
      const bytes = createHash("md5").update(term).digest();
      slots.set(term, (slot = [bytes.readUInt32LE(0) % dimensions, bytes[4]! & 1 ? 1 : -1]));
    }
    return slot;
  };
  return {
    specificationVersion: "v1",
    modelId: "bench/hashing-embedder",
    dimensions,
    async embed(texts) {
      return texts.map((text) => {
        const v = new Float32Array(dimensions);
        for (const term of contentTerms(text)) {
          const [i, sign] = slotOf(term);
          v[i]! += sign;
        }
        const norm = Math.hypot(...v) || 1;
        return v.map((x) => x / norm);
      });
    },
  };
}
