/**
 * A text embedder, versioned so other implementations (a remote API, another
 * runtime) can stand in without the rest of the service changing.
 */
export interface Embedder {
  readonly specificationVersion: "v1";
  readonly modelId: string;
  /** Length of every vector `embed` returns. */
  readonly dimensions: number;
  /** Unit-length vectors (cosine similarity = dot product), one per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
