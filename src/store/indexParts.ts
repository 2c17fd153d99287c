import type { Span } from "../types.js";
import type { IndexManifest } from "./indexManifest.js";
import type { VectorStore } from "./vectorStore.js";
import type { SentenceVectors } from "./sentenceVectors.js";

/** The typed arrays a build stores as raw little-endian files. */
export type StoredArray = Float32Array | Int32Array | Int8Array;

/** A span without its text: what the index stores, since the text lives in the corpus. */
export type SpanRef = Omit<Span, "text">;

/** The BM25 parameters a build's lexical scores were computed with. */
export interface Bm25Parameters {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation. */
  b: number;
  /** BM25+ floor added to every match, so long chunks are not zeroed out. */
  delta: number;
}

/**
 * The build's content terms (tokens without stopwords, stemmed), each mapped
 * to its number; numbers follow first use, so the keys in order are the terms.
 * One numbering for the BM25 postings and the sentence terms.
 */
export type Vocabulary = ReadonlyMap<string, number>;

/**
 * BM25 postings of the chunks, computed when the index is built and stored
 * with it: term `t` (the vocabulary's number) holds `ids[offsets[t]…offsets[t+1])`,
 * the chunks that contain it, with its contribution to each in `scores`,
 * highest first. A term only sentences use has no postings.
 */
export interface LexicalPostings {
  offsets: Int32Array;
  ids: Int32Array;
  scores: Float32Array;
  chunkCount: number;
}

/** The postings by chunk: chunk `c` holds `terms[offsets[c]…offsets[c+1])`, ascending, with their contributions in `scores`. */
export interface ForwardIndex {
  offsets: Int32Array;
  terms: Int32Array;
  scores: Float32Array;
}

/**
 * Each sentence's distinct content terms (`contentTerms`) by their vocabulary
 * numbers: sentence `i` holds `ids[offsets[i]…offsets[i+1])`, ascending.
 */
export interface SentenceTerms {
  offsets: Int32Array;
  ids: Int32Array;
}

/** Everything a build holds, in memory. */
export interface LoadedIndex {
  manifest: IndexManifest;
  /** Row i of `chunkStore` is `chunks[i]`. */
  chunks: Span[];
  sentences: Span[];
  /** One unit vector per sentence, as int8 codes. */
  sentenceVectors: SentenceVectors;
  chunkStore: VectorStore;
  vocabulary: Vocabulary;
  lexicalPostings: LexicalPostings;
  /** The postings by chunk, for rescoring (`forwardIndexOf`). */
  lexicalForward: ForwardIndex;
  sentenceTerms: SentenceTerms;
}
