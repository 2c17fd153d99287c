import type { CorpusDocument, Span } from "../types.js";
import type { QuantizedRows } from "../vectors.js";
import type { IndexManifest } from "./indexManifest.js";
import type { ForwardIndex, LexicalPostings, LoadedIndex, SentenceTerms, SpanRef, Vocabulary } from "./indexParts.js";
import type { StoredDocument } from "./storedDocuments.js";

/** A published build: how the store names it, where it is (for messages), and its manifest. */
export interface LiveBuild {
  /** The store's own name for the build: a folder path (`hnsw`), a build number (`pgvector`). */
  id: string;
  /** Where the build lives, for people: `index/build-…`, `postgres build 7`. */
  location: string;
  manifest: IndexManifest;
}

/** What an ingest made, before a store keeps it: spans, their vectors and the term indexes. */
export interface BuildParts {
  manifest: IndexManifest;
  documents: StoredDocument[];
  chunks: Span[];
  /** One unit vector per chunk, in chunk order. */
  chunkVectors: Float32Array[];
  sentences: Span[];
  sentenceVectors: QuantizedRows;
  vocabulary: Vocabulary;
  lexicalPostings: LexicalPostings;
  lexicalForward: ForwardIndex;
  sentenceTerms: SentenceTerms;
}

/** The spans and vectors of a build that an incremental build can keep, per document. */
export interface ReusableParts {
  documents: Map<string, StoredDocument>;
  chunks: SpanRef[];
  sentences: SpanRef[];
  /** Row-major, `dimensions` floats per chunk. */
  chunkVectors: Float32Array;
  sentenceVectors: Float32Array;
  dimensions: number;
}

/** How far a store has got in keeping a build: "graph" counts chunks put in the vector graph, "write" rows written. */
export interface StoreProgress {
  phase: "graph" | "write";
  done: number;
  total: number;
}

/**
 * Version 1 of the port every index store implements: `hnsw` (files under
 * `INDEX_DIR`, the default) and `pgvector` (Postgres). Retrieval and answering
 * only see the `LoadedIndex` a store loads; whether chunk vectors are searched
 * in-process or in the database is the store's business (`LoadedIndex.chunkStore`).
 */
export interface IndexStore {
  /**
   * Whether the store is shared by several processes and is the record of the documents (`pgvector`):
   * then a process serves the store's own documents, follows the builds others publish, and makes
   * document changes in the store. Otherwise (`hnsw`) the corpus folder is the record.
   */
  readonly shared: boolean;
  /** The live build, or null when there is none or it cannot be read. */
  current(): Promise<LiveBuild | null>;
  /**
   * A build's documents with their texts, or undefined when they are missing or damaged (then nothing
   * of it is reused); a store that cannot be reached throws.
   */
  readDocuments(build: LiveBuild): Promise<StoredDocument[] | undefined>;
  /** What of a build an incremental build keeps, or undefined when any part of it cannot be read. */
  readReusable(build: LiveBuild): Promise<ReusableParts | undefined>;
  /** Keeps a build and makes it the live one atomically: readers see the old build or the new one, never a part. */
  publish(parts: BuildParts, onProgress?: (progress: StoreProgress) => void): Promise<LiveBuild>;
  /**
   * Reads a build for serving, span texts from `documents`; a build that cannot be read is refused
   * with `index_incompatible`. `efSearch` sets the vector search's beam (default: the build's).
   */
  load(build: LiveBuild, documents: readonly CorpusDocument[], search?: { efSearch?: number }): Promise<LoadedIndex>;
  /**
   * Takes the store's build lock for one build. A second ingest at once is refused with `conflict`
   * (`hnsw`) or waits for the first to finish (`pgvector`, where replicas may start together).
   */
  lock(): Promise<() => Promise<void>>;
  /** Releases connections; the store cannot be used afterwards. */
  close(): Promise<void>;
}
