import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXACT_SCAN_MAX, HnswStore } from "../../src/store/hnswStore.js";

const DIMS = 16;

/** Deterministic pseudo-random unit vectors (xorshift), so failures reproduce. */
function unitVectors(count: number, seed: number): Float32Array[] {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32) * 2 - 1;
  };
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: DIMS }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function exactNearest(vectors: Float32Array[], query: Float32Array, k: number) {
  return vectors
    .map((v, id) => ({ id, score: v.reduce((sum, x, d) => sum + x * query[d]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("HnswStore", () => {
  it("answers small stores by an exact scan, with the graph's cosine scores, also after a reload", async () => {
    const vectors = unitVectors(EXACT_SCAN_MAX, 7);
    const store = await HnswStore.build(vectors, DIMS);
    const dir = await mkdtemp(path.join(os.tmpdir(), "hnsw-store-"));
    dirs.push(dir);
    store.save(path.join(dir, "chunks.hnsw"));
    const loaded = await HnswStore.load(path.join(dir, "chunks.hnsw"), DIMS);
    for (const query of unitVectors(20, 99)) {
      const expected = exactNearest(vectors, query, 10);
      for (const hits of [await store.search(query, 10), await loaded.search(query, 10)]) {
        expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
        hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]!.score, 5));
      }
      // A query that is not unit length ranks and scores the same: the graph normalises it too.
      const scaled = await store.search(query.map((x) => x * 3), 10);
      expect(scaled.map((h) => h.id)).toEqual(expected.map((h) => h.id));
      scaled.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]!.score, 5));
    }
    expect(await store.search(vectors[0]!, 0)).toEqual([]);
    expect(await store.search(vectors[0]!, 1000)).toHaveLength(EXACT_SCAN_MAX);
  });

  it("searches larger stores through the graph, finding the true nearest neighbours", async () => {
    const vectors = unitVectors(EXACT_SCAN_MAX + 500, 11);
    const store = await HnswStore.build(vectors, DIMS);
    let found = 0;
    const queries = unitVectors(20, 123);
    for (const query of queries) {
      const expected = new Set(exactNearest(vectors, query, 10).map((h) => h.id));
      const hits = await store.search(query, 10);
      found += hits.filter((h) => expected.has(h.id)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThan(0.95);
  });

  it("scans every vector of a large store on request, for measuring the graph's recall", async () => {
    const vectors = unitVectors(EXACT_SCAN_MAX + 500, 13);
    const store = await HnswStore.build(vectors, DIMS);
    for (const query of unitVectors(10, 321)) {
      const expected = exactNearest(vectors, query, 10);
      const hits = store.exactSearch(query, 10);
      expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
      hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]!.score, 5));
    }
    expect(store.exactSearch(vectors[0]!, 0)).toEqual([]);
    expect(store.exactSearch(vectors[0]!, 5000)).toHaveLength(vectors.length);
  });

  it("lets the event loop run while it builds a large graph, and reports its progress", async () => {
    const vectors = unitVectors(3000, 11);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const progress: number[] = [];
    try {
      await HnswStore.build(vectors, DIMS, { m: 16, efConstruction: 400, efSearch: 64 }, (done) => progress.push(done));
    } finally {
      clearInterval(timer);
    }
    // Built in one piece, the timer could not fire before the build was done.
    expect(ticks).toBeGreaterThan(0);
    expect(progress).toEqual([1000, 2000, 3000]);
  });
});
