import { dequantizeRow, dotQuantized, type QuantizedRows } from "../vectors.js";

/**
 * A loaded build's sentence vectors, wherever their int8 codes live: in memory
 * (`sentenceVectorsInMemory`) or in the build's file (`sentenceVectorsOnDisk`).
 * Only the few sentences of a query's passages are read, so the codes need
 * not take the process's memory.
 */
export interface SentenceVectors {
  readonly dimensions: number;
  readonly count: number;
  /** Dot product of `query` with sentence `row`'s unit vector (within about 0.002 of the float one). */
  dot(query: Float32Array, row: number): number;
  /** Sentence `row`'s vector as floats. */
  vector(row: number): Float32Array;
}

export function sentenceVectorsInMemory(rows: QuantizedRows): SentenceVectors {
  return {
    dimensions: rows.dimensions,
    count: rows.scales.length,
    dot: (query, row) => dotQuantized(query, rows, row),
    vector: (row) => dequantizeRow(rows, row),
  };
}
