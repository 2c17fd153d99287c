import { describe, expect, it } from "vitest";
import { Tensor, mean_pooling } from "@huggingface/transformers";
import { meanPooledUnitVectors } from "../../src/embed/meanPooling.js";

// A reproducible stand-in for a model's hidden states (no model needed here).
function hiddenStates(batch: number, tokens: number, dimensions: number, seed: number): Float32Array {
  const data = new Float32Array(batch * tokens * dimensions);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    data[i] = (state / 2 ** 31 - 0.5) * 8;
  }
  return data;
}

describe("meanPooledUnitVectors", () => {
  it("gives bit for bit what transformers.js's mean_pooling and normalize give, padding rows included", () => {
    const [batch, tokens, dimensions] = [3, 7, 384];
    const hidden = hiddenStates(batch, tokens, dimensions, 7);
    // Row 0 keeps every token, rows 1 and 2 end in padding.
    const mask = BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0].map(BigInt));
    const expected = mean_pooling(new Tensor("float32", hidden, [batch, tokens, dimensions]), new Tensor("int64", mask, [batch, tokens])).normalize(2, -1);
    const vectors = meanPooledUnitVectors(hidden, [batch, tokens, dimensions], mask);
    expect(vectors).toHaveLength(batch);
    for (let row = 0; row < batch; row++) {
      expect(Array.from(vectors[row]!)).toEqual(Array.from((expected.data as Float32Array).subarray(row * dimensions, (row + 1) * dimensions)));
    }
  });

  it("averages only the tokens the mask keeps and returns unit vectors", () => {
    const hidden = Float32Array.from([3, 0, 0, 4, 100, 100]); // 1 row, 3 tokens, 2 dimensions; the last token is padding
    const [vector] = meanPooledUnitVectors(hidden, [1, 3, 2], BigInt64Array.from([1n, 1n, 0n]));
    expect(Array.from(vector!)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });
});
