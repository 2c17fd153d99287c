import type { Hit } from "../topHits.js";

/** One nearest-neighbour hit: the row id given at build time and its cosine similarity. */
export type VectorHit = Hit;

/**
 * Nearest-neighbour search over unit vectors. Async so that a store living in
 * another process (Postgres + pgvector) fits behind the same interface.
 */
export interface VectorStore {
  readonly dimensions: number;
  readonly size: number;
  search(vector: Float32Array, k: number): Promise<VectorHit[]>;
}
