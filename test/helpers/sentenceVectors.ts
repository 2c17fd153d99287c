import type { SentenceVectors } from "../../src/store/sentenceVectors.js";

/** Every sentence vector as plain numbers, to compare builds whose vectors live in different places. */
export const vectorsOf = (vectors: SentenceVectors): number[][] => Array.from({ length: vectors.count }, (_, row) => Array.from(vectors.vector(row)));
