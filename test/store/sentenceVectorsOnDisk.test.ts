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
  const matrix = Float32Array.from({ length: 4 * dims }, (_, i) => Math.sin(i * 1.7));
  const rows = quantizeRows(matrix, dims);
  const query = Float32Array.from([0.3, -0.2, 0.5, 0.1, -0.4]);

  it("gives the same dot products and vectors as the codes held in memory", async () => {
    const file = path.join(dir, "sentences.i8");
    await writeFile(file, rows.codes);
    const onDisk = sentenceVectorsOnDisk(file, rows.scales, dims);
    const inMemory = sentenceVectorsInMemory(rows);
    expect(onDisk.count).toBe(4);
    for (let row = 0; row < 4; row++) {
      expect(onDisk.dot(query, row)).toBe(inMemory.dot(query, row));
      expect(Array.from(onDisk.vector(row))).toEqual(Array.from(inMemory.vector(row)));
    }
  });

  it("still reads a build whose folder was removed after a switch, and refuses a row the build lacks", async () => {
    const file = path.join(dir, "sentences.i8");
    await writeFile(file, rows.codes);
    const onDisk = sentenceVectorsOnDisk(file, rows.scales, dims);
    const before = onDisk.dot(query, 3);
    await unlink(file);
    expect(onDisk.dot(query, 3)).toBe(before);
    expect(() => onDisk.dot(query, 4)).toThrow(RangeError);
    expect(() => onDisk.vector(-1)).toThrow(RangeError);
  });

  it("says which file is cut short when a row is missing from it", async () => {
    const file = path.join(dir, "sentences.i8");
    await writeFile(file, rows.codes.subarray(0, 3 * dims));
    const onDisk = sentenceVectorsOnDisk(file, rows.scales, dims);
    expect(() => onDisk.dot(query, 3)).toThrow(/sentences\.i8 is cut short at sentence 3/);
  });
});
