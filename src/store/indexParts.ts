import type { Span } from "../types.js";
import type { IndexManifest } from "./indexManifest.js";
import type { VectorStore } from "./vectorStore.js";

/** A span without its text: what the index stores, since the text lives in the corpus. */
export type SpanRef = Omit<Span, "text">;

/** Everything a build holds, in memory. */
export interface LoadedIndex {
  manifest: IndexManifest;
  /** Row i of `chunkStore` is `chunks[i]`. */
  chunks: Span[];
  sentences: Span[];
  /** Row-major unit vectors, `dimensions` floats per sentence. */
  sentenceVectors: Float32Array;
  chunkStore: VectorStore;
}
