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
 * needs them; only the scales (4 bytes a sentence) are held. At 100k chunks
 * the codes are 0.83 KB a chunk, a fifth of the process; a query reads the
 * rows of its candidate chunks, which the page cache serves. The file stays
 * open, so a build folder removed after a switch is still read by requests
 * that began before it.
 */
export function sentenceVectorsOnDisk(file: string, scales: Float32Array, dimensions: number): SentenceVectors {
  const fd = openSync(file, "r");
  // Blocks of consecutive rows in a direct-mapped cache (block b in slot b mod slots), one buffer
  // for all: a chunk's sentences are consecutive rows, and answering revisits a passage's
  // neighbours. A cache of separately allocated blocks churned the allocator: slower, and more RSS.
  // A small build's blocks all fit, so after its first queries nothing is read again.
  const slots = Math.max(1, Math.min(MAX_SLOTS, Math.ceil(scales.length / ROWS_PER_BLOCK)));
  const blockBytes = ROWS_PER_BLOCK * dimensions;
  const slab = new Int8Array(slots * blockBytes);
  const blockInSlot = new Int32Array(slots).fill(-1);
  /** Where row `row` starts in `slab`, its block read there first if it is not. */
  const offsetOf = (row: number): number => {
    if (!(row >= 0 && row < scales.length)) throw new RangeError(`sentence ${row} is not in this build (${scales.length} sentences)`);
    const block = Math.floor(row / ROWS_PER_BLOCK);
    const slot = block % slots;
    if (blockInSlot[slot] !== block) {
      const first = block * ROWS_PER_BLOCK;
      const bytes = Math.min(ROWS_PER_BLOCK, scales.length - first) * dimensions;
      blockInSlot[slot] = -1;
      if (readSync(fd, slab, slot * blockBytes, bytes, first * dimensions) !== bytes) throw new Error(`${file} is cut short before sentence ${first + bytes / dimensions}`);
      blockInSlot[slot] = block;
    }
    return slot * blockBytes + (row % ROWS_PER_BLOCK) * dimensions;
  };
  const vectors: SentenceVectors = {
    dimensions,
    count: scales.length,
    dot: (query, row) => dot(query, slab, offsetOf(row)) * scales[row]!,
    vector(row) {
      const offset = offsetOf(row);
      const scale = scales[row]!;
      return Float32Array.from(slab.subarray(offset, offset + dimensions), (code) => code * scale);
    },
  };
  openFiles.register(vectors, fd);
  return vectors;
}

// 8 rows of 384 codes are 3 KB a read; 1024 slots are 3 MB at most, the sentences of the last several hundred passages.
const ROWS_PER_BLOCK = 8;
const MAX_SLOTS = 1024;
