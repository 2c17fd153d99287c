import { createHash } from "node:crypto";
import type { HnswParameters } from "./hnswStore.js";

/** Bumped whenever the on-disk layout changes; a build of another version is rebuilt, never misread. */
export const INDEX_FORMAT_VERSION = 1;

export interface IndexSettings {
  model: { id: string; quantized: boolean };
  chunking: { strategy: string; maxChars: number; overlapChars: number };
  hnsw: HnswParameters;
  corpusHash: string;
}

export interface IndexManifest extends IndexSettings {
  formatVersion: number;
  /** Hash of everything that determines the build's content (`IndexSettings` and the format version). */
  fingerprint: string;
  createdAt: string;
  dimensions: number;
  counts: { documents: number; chunks: number; sentences: number };
}

export function fingerprintOf(settings: IndexSettings): string {
  const canonical = JSON.stringify({
    formatVersion: INDEX_FORMAT_VERSION,
    model: { id: settings.model.id, quantized: settings.model.quantized },
    chunking: { strategy: settings.chunking.strategy, maxChars: settings.chunking.maxChars, overlapChars: settings.chunking.overlapChars },
    hnsw: { m: settings.hnsw.m, efConstruction: settings.hnsw.efConstruction, efSearch: settings.hnsw.efSearch },
    corpusHash: settings.corpusHash,
  });
  return createHash("sha256").update(canonical).digest("hex");
}
