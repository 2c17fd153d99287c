import hnswlib from "hnswlib-node";
import { HNSW_DEFAULTS } from "../config.js";
import { timeSlices } from "../timeSlices.js";
import { TopHits } from "../topHits.js";
import { dot } from "../vectors.js";
import type { VectorHit, VectorStore } from "./vectorStore.js";

const { HierarchicalNSW } = hnswlib;

export interface HnswParameters {
  /** Graph degree. */
  m: number;
  efConstruction: number;
  /** Lower bound of the search beam; raised to k when k is larger. */
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParameters = { ...HNSW_DEFAULTS };

// Up to this many vectors, a scan in JavaScript is exact and faster than the
// graph: hnswlib-node reads each query as a plain array, element by element,
// about 0.25 ms here, while a scan costs about 1.6 µs per 384-dimensional
// vector (the built-in corpus, 131 chunks: 0.90 against 0.98 ms per query
// for all of retrieval; at 1011 chunks the scan took 1.6 ms, the graph 0.3).
export const EXACT_SCAN_MAX = 200;

const BUILD_PROGRESS_EVERY = 1000;

/** hnswlib-node behind `VectorStore`; row ids are the labels. */
export class HnswStore implements VectorStore {
  private currentEf = -1;
  /**
   * The stored (unit) vectors, row after row, copied out of the graph: for
   * small stores when the store is made (about 0.15 ms per row: not a cost for
   * the first query to pay), for large ones when `exactSearch` first needs them.
   */
  private rows: Float32Array | undefined;
  /**
   * Vectors stored. Read once: the graph is complete when the store is made and
   * never grows, and asking hnswlib-node is a native call each time.
   */
  readonly size: number;

  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimensions: number,
    private readonly params: HnswParameters,
  ) {
    this.size = index.getCurrentCount();
    if (this.size <= EXACT_SCAN_MAX) this.rows = this.copyRows();
  }

  /**
   * Builds the graph in time slices (see `timeSlices`): 100k vectors take a
   * minute. `onAdded` hears how many vectors are in the graph every
   * `BUILD_PROGRESS_EVERY` and at the end.
   */
  static async build(vectors: Float32Array[], dimensions: number, params: HnswParameters = DEFAULT_HNSW, onAdded?: (done: number) => void): Promise<HnswStore> {
    const index = new HierarchicalNSW("cosine", dimensions);
    // A fixed seed makes a rebuild of the same corpus produce the same graph.
    index.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, 42);
    const slices = timeSlices();
    for (let id = 0; id < vectors.length; id++) {
      index.addPoint(Array.from(vectors[id]!), id);
      if ((id + 1) % BUILD_PROGRESS_EVERY === 0 || id + 1 === vectors.length) onAdded?.(id + 1);
      if (slices.due()) await slices.pause();
    }
    return new HnswStore(index, dimensions, params);
  }

  /** Read off the event loop: the synchronous read of 100k chunks' graph held it for 280 ms. */
  static async load(file: string, dimensions: number, params: HnswParameters = DEFAULT_HNSW): Promise<HnswStore> {
    const index = new HierarchicalNSW("cosine", dimensions);
    await index.readIndex(file);
    return new HnswStore(index, dimensions, params);
  }

  save(file: string): void {
    this.index.writeIndexSync(file);
  }

  async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    if (this.size <= EXACT_SCAN_MAX) return this.scan(this.rows!, vector, n);
    const ef = Math.max(this.params.efSearch, n);
    if (ef !== this.currentEf) {
      this.index.setEf(ef);
      this.currentEf = ef;
    }
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((id, i) => ({ id, score: 1 - distances[i]! }));
  }

  /** Every stored (unit) vector, row `id` at `id * dimensions`: what an incremental build keeps of the documents it does not re-embed. */
  vectors(): Float32Array {
    this.rows ??= this.copyRows();
    return this.rows;
  }

  /**
   * The exact top `k` by a scan of every stored vector, whatever the store's
   * size: what the graph's answers are measured against (its recall). Large
   * stores copy their rows out of the graph on the first call (seconds and
   * 1.5 KB per vector at 100k), so this is for benchmarks, not requests.
   */
  exactSearch(vector: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    this.rows ??= this.copyRows();
    return this.scan(this.rows, vector, n);
  }

  /** Exact cosine similarity to every stored vector; the graph normalises what it stores, so the query is normalised too. */
  private scan(rows: Float32Array, vector: Float32Array, n: number): VectorHit[] {
    const dims = this.dimensions;
    const norm = dot(vector, vector);
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const best = new TopHits(n);
    for (let id = 0; id < this.size; id++) best.offer(id, dot(vector, rows, id * dims) * scale);
    return best.sorted();
  }

  private copyRows(): Float32Array {
    const rows = new Float32Array(this.size * this.dimensions);
    for (let id = 0; id < this.size; id++) rows.set(this.index.getPoint(id), id * this.dimensions);
    return rows;
  }
}
