import { createHash } from "node:crypto";
import type { HnswParameters } from "./hnswStore.js";
import type { Bm25Parameters } from "./indexParts.js";

/** Bumped whenever the on-disk layout changes; a build of another version is rebuilt, never misread. */
export const INDEX_FORMAT_VERSION = 9;

export interface IndexSettings {
  model: { id: string; quantized: boolean };
  chunking: { maxChars: number; overlapChars: number };
  hnsw: HnswParameters;
  /** The stored lexical scores depend on them. */
  bm25: Bm25Parameters;
  corpusHash: string;
  /** Hash of the source code that turns the corpus into a build (`codeFingerprint`); a manifest written before it existed has none. */
  codeHash: string;
}

export interface IndexManifest extends IndexSettings {
  formatVersion: number;
  /** Hash of everything that determines the build's content (`IndexSettings` and the format version). */
  fingerprint: string;
  /**
   * The same without the corpus: a build whose settings fingerprint matches
   * made its spans and vectors the way a new build would, so an incremental
   * build keeps those of the documents whose text is unchanged.
   */
  settingsFingerprint: string;
  createdAt: string;
  dimensions: number;
  counts: { documents: number; chunks: number; sentences: number };
}

export function fingerprintOf(settings: IndexSettings): string {
  return createHash("sha256").update(JSON.stringify([settingsFingerprintOf(settings), settings.corpusHash])).digest("hex");
}

export function settingsFingerprintOf(settings: Omit<IndexSettings, "corpusHash">): string {
  const canonical = JSON.stringify({
    formatVersion: INDEX_FORMAT_VERSION,
    model: { id: settings.model.id, quantized: settings.model.quantized },
    chunking: { maxChars: settings.chunking.maxChars, overlapChars: settings.chunking.overlapChars },
    // Not efSearch: a search setting, applied when a build is loaded (`IndexStore.load`).
    hnsw: { m: settings.hnsw.m, efConstruction: settings.hnsw.efConstruction },
    bm25: { k1: settings.bm25.k1, b: settings.bm25.b, delta: settings.bm25.delta },
    codeHash: settings.codeHash,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
