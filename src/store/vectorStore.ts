/** One nearest-neighbour hit: the row id given at build time and its cosine similarity. */
export interface VectorHit {
  id: number;
  score: number;
}

/**
 * Nearest-neighbour search over unit vectors. Async so that a store living in
 * another process (Postgres + pgvector) fits behind the same interface.
 */
export interface VectorStore {
  readonly dimensions: number;
  readonly size: number;
  search(vector: Float32Array, k: number): Promise<VectorHit[]>;
}
