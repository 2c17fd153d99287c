import { closeSync, openSync, readSync } from "node:fs";
import { dot } from "../vectors.js";
import type { SentenceVectors } from "./sentenceVectors.js";

// Closes a build's file once its loaded index is gone (a reload swaps builds; nothing else holds the index).
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
});

/**
 * Sentence vectors read from the build's int8 file (`sentences.i8`) as a query
 * needs them, a row at a time; only the scales (4 bytes a sentence) are held.
 * At 100k chunks the codes are 0.83 KB a chunk, a fifth of the process; a
 * query reads the rows of its candidate chunks, which the page cache serves. The
 * file stays open, so a build folder removed after a switch is still read by
 * requests that began before it.
 */
export function sentenceVectorsOnDisk(file: string, scales: Float32Array, dimensions: number): SentenceVectors {
  const fd = openSync(file, "r");
  // A chunk's sentences are consecutive rows and are scored one after another: one read brings them all.
  const block = new Int8Array(ROWS_PER_READ * dimensions);
  let blockStart = 0;
  let blockRows = 0;
  /** Where row `row` starts in `block`, read if it is not there. */
  const offsetOf = (row: number): number => {
    if (!(row >= 0 && row < scales.length)) throw new RangeError(`sentence ${row} is not in this build (${scales.length} sentences)`);
    if (row < blockStart || row >= blockStart + blockRows) {
      const rows = Math.min(ROWS_PER_READ, scales.length - row);
      const read = readSync(fd, block, 0, rows * dimensions, row * dimensions);
      blockStart = row;
      blockRows = Math.floor(read / dimensions);
      if (blockRows === 0) throw new Error(`${file} is cut short at sentence ${row}`);
    }
    return (row - blockStart) * dimensions;
  };
  const vectors: SentenceVectors = {
    dimensions,
    count: scales.length,
    dot: (query, row) => dot(query, block, offsetOf(row)) * scales[row]!,
    vector(row) {
      const offset = offsetOf(row);
      const scale = scales[row]!;
      return Float32Array.from(block.subarray(offset, offset + dimensions), (code) => code * scale);
    },
  };
  openFiles.register(vectors, fd);
  return vectors;
}

// Rows a read brings (3 KB of 384-dimensional codes): a chunk holds two or three sentences.
const ROWS_PER_READ = 8;
