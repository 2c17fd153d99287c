import { describe, expect, it } from "vitest";
import { dequantizeRow, dequantizeRows, dot, dotQuantized, quantizeRows } from "../src/vectors.js";

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

describe("quantizeRows", () => {
  const unitRows = (rows: number, dims: number, seed: number) => {
    const matrix = new Float32Array(rows * dims);
    let state = seed;
    for (let row = 0; row < rows; row++) {
      let norm = 0;
      for (let k = 0; k < dims; k++) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        norm += (matrix[row * dims + k] = state / 2 ** 31 - 0.5) ** 2;
      }
      for (let k = 0; k < dims; k++) matrix[row * dims + k]! /= Math.sqrt(norm);
    }
    return matrix;
  };

  it("keeps dot products with a unit query within 0.002 of the float ones, every row with its own scale", () => {
    const dims = 384;
    const matrix = unitRows(50, dims, 3);
    const rows = quantizeRows(matrix, dims);
    expect(rows.codes).toHaveLength(50 * dims);
    expect(rows.scales).toHaveLength(50);
    const query = unitRows(1, dims, 11);
    for (let row = 0; row < 50; row++) {
      expect(Math.abs(dotQuantized(query, rows, row) - dot(query, matrix, row * dims))).toBeLessThan(0.002);
      // The largest magnitude of each row takes the full code range.
      expect(Math.max(...Array.from(rows.codes.subarray(row * dims, (row + 1) * dims), Math.abs))).toBe(127);
    }
  });

  it("gives the same codes when what it gave back is quantized again, and a zero row stays zero", () => {
    const dims = 7;
    const matrix = Float32Array.from([...unitRows(3, dims, 5), ...new Array(dims).fill(0)]);
    const rows = quantizeRows(matrix, dims);
    const again = quantizeRows(dequantizeRows(rows), dims);
    expect(again.codes).toEqual(rows.codes);
    expect(again.scales).toEqual(rows.scales);
    expect(Array.from(dequantizeRow(rows, 3))).toEqual(new Array(dims).fill(0));
    expect(Array.from(dequantizeRow(rows, 1))).toEqual(Array.from(dequantizeRows(rows).subarray(dims, 2 * dims)));
  });
});
