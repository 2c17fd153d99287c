import hnswlib from "hnswlib-node";
import type { VectorHit, VectorStore } from "./vectorStore.js";

const { HierarchicalNSW } = hnswlib;

export interface HnswParameters {
  /** Graph degree. */
  m: number;
  efConstruction: number;
  /** Lower bound of the search beam; raised to k when k is larger. */
  efSearch: number;
}

export const DEFAULT_HNSW: HnswParameters = { m: 16, efConstruction: 200, efSearch: 64 };

/** hnswlib-node behind `VectorStore`; row ids are the labels. */
export class HnswStore implements VectorStore {
  private currentEf = -1;

  private constructor(
    private readonly index: InstanceType<typeof HierarchicalNSW>,
    readonly dimensions: number,
    private readonly params: HnswParameters,
  ) {}

  static build(vectors: Float32Array[], dimensions: number, params: HnswParameters = DEFAULT_HNSW): HnswStore {
    const index = new HierarchicalNSW("cosine", dimensions);
    // A fixed seed makes a rebuild of the same corpus produce the same graph.
    index.initIndex(Math.max(1, vectors.length), params.m, params.efConstruction, 42);
    vectors.forEach((vector, id) => index.addPoint(Array.from(vector), id));
    return new HnswStore(index, dimensions, params);
  }

  static load(file: string, dimensions: number, params: HnswParameters = DEFAULT_HNSW): HnswStore {
    const index = new HierarchicalNSW("cosine", dimensions);
    index.readIndexSync(file);
    return new HnswStore(index, dimensions, params);
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  save(file: string): void {
    this.index.writeIndexSync(file);
  }

  async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    const ef = Math.max(this.params.efSearch, n);
    if (ef !== this.currentEf) {
      this.index.setEf(ef);
      this.currentEf = ef;
    }
    const { neighbors, distances } = this.index.searchKnn(Array.from(vector), n);
    return neighbors.map((id, i) => ({ id, score: 1 - distances[i]! }));
  }
}
