import { describe, expect, it } from "vitest";
import { dot } from "../src/vectors.js";

describe("dot", () => {
  it("sums the products, also for lengths that are not a multiple of four", () => {
    for (const n of [0, 1, 3, 4, 5, 7, 384]) {
      const a = Float32Array.from({ length: n }, (_, i) => (i % 5) - 2);
      const b = Float32Array.from({ length: n }, (_, i) => (i % 3) + 0.5);
      const expected = Array.from(a).reduce((sum, x, i) => sum + x * b[i]!, 0);
      expect(dot(a, b), `length ${n}`).toBeCloseTo(expected, 9);
    }
  });

  it("reads a row of a matrix stored row after row, from its offset", () => {
    const rows = Float32Array.from([1, 2, 3, 4, 5, 10, 20, 30, 40, 50]);
    const q = Float32Array.from([1, 0, 0, 0, 1]);
    expect(dot(q, rows, 0)).toBe(6);
    expect(dot(q, rows, 5)).toBe(60);
  });
});
