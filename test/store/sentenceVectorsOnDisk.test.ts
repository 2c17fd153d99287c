import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sentenceVectorsInMemory } from "../../src/store/sentenceVectors.js";
import { sentenceVectorsOnDisk } from "../../src/store/sentenceVectorsOnDisk.js";
import { quantizeRows } from "../../src/vectors.js";

describe("sentenceVectorsOnDisk", () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "sentence-vectors-"))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const dims = 5;
  const rowCount = 20;
  const matrix = Float32Array.from({ length: rowCount * dims }, (_, i) => Math.sin(i * 1.7));
  const rows = quantizeRows(matrix, dims);
  const query = Float32Array.from([0.3, -0.2, 0.5, 0.1, -0.4]);

  it("gives the same dot products and vectors as the codes held in memory", async () => {
    const file = path.join(dir, "sentences.i8");
    await writeFile(file, rows.codes);
    const onDisk = sentenceVectorsOnDisk(file, rows.scales, dims);
    const inMemory = sentenceVectorsInMemory(rows);
    expect(onDisk.count).toBe(rowCount);
    for (const row of [0, 19, 3, 8, 7, 1, 19]) {
      expect(onDisk.dot(query, row)).toBe(inMemory.dot(query, row));
      expect(Array.from(onDisk.vector(row))).toEqual(Array.from(inMemory.vector(row)));
    }
  });

  it("still reads a build whose folder was removed after a switch, and refuses a row the build lacks", async () => {
    const file = path.join(dir, "sentences.i8");
    await writeFile(file, rows.codes);
    const onDisk = sentenceVectorsOnDisk(file, rows.scales, dims);
    const inMemory = sentenceVectorsInMemory(rows);
    expect(onDisk.dot(query, 0)).toBe(inMemory.dot(query, 0));
    await unlink(file);
    // Row 19 is in a block not read before the file was removed.
    expect(onDisk.dot(query, 19)).toBe(inMemory.dot(query, 19));
    expect(() => onDisk.dot(query, rowCount)).toThrow(RangeError);
    expect(() => onDisk.vector(-1)).toThrow(RangeError);
  });

  it("says which file is cut short when a row is missing from it", async () => {
    const file = path.join(dir, "sentences.i8");
    await writeFile(file, rows.codes.subarray(0, 19 * dims));
    const onDisk = sentenceVectorsOnDisk(file, rows.scales, dims);
    expect(onDisk.dot(query, 0)).toBe(sentenceVectorsInMemory(rows).dot(query, 0));
    expect(() => onDisk.dot(query, 18)).toThrow(/sentences\.i8 is cut short before sentence 20/);
  });

  it("reads a row again when another block took its slot (more rows than the cache holds)", async () => {
    const many = quantizeRows(Float32Array.from({ length: 9000 * 2 }, (_, i) => Math.cos(i * 0.37)), 2);
    const file = path.join(dir, "many.i8");
    await writeFile(file, many.codes);
    const onDisk = sentenceVectorsOnDisk(file, many.scales, 2);
    const inMemory = sentenceVectorsInMemory(many);
    const pair = Float32Array.from([0.6, -0.8]);
    // Rows 3 and 8195 are in blocks 0 and 1024, which share the first slot of 1024.
    for (const row of [3, 8195, 3, 8999, 8195]) expect(onDisk.dot(pair, row)).toBe(inMemory.dot(pair, row));
  });
});
