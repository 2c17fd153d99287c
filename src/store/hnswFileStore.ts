import { readFile } from "node:fs/promises";
import path from "node:path";
import { dequantizeRows } from "../vectors.js";
import { BUILD_FILES, readCurrentBuild } from "./buildFiles.js";
import { acquireBuildLock } from "./buildLock.js";
import { HnswStore } from "./hnswStore.js";
import type { IndexStore, LiveBuild, ReusableParts } from "./indexStore.js";
import { loadIndex } from "./loadIndex.js";
import { saveIndex } from "./saveIndex.js";
import { decodeSpan, readSpanFiles, spanCount, spansProblem } from "./spanRefs.js";
import { storedArrayOf } from "./storedArrays.js";
import { rememberLast } from "./rememberLast.js";
import { readStoredDocuments, type StoredDocument } from "./storedDocuments.js";

/**
 * The default store: builds as folders of files under `indexDir`, the chunk
 * vectors in an hnswlib graph searched in-process. A build is published by
 * rename (see `publishBuild`); the folder's lock file keeps ingests apart.
 */
export function hnswFileStore(indexDir: string): IndexStore {
  const readDocuments = rememberLast(readStoredDocuments);
  const live = (dir: string, manifest: LiveBuild["manifest"]): LiveBuild => ({ id: dir, location: dir, manifest });
  return {
    shared: false,
    async current() {
      const found = await readCurrentBuild(indexDir);
      return found && live(found.dir, found.manifest);
    },
    readDocuments: (build) => readDocuments(build.id),
    readReusable: (build) => readReusable(build, readDocuments),
    async publish(parts, onProgress) {
      const { chunkVectors, ...rest } = parts;
      const chunkStore = await HnswStore.build(chunkVectors, parts.manifest.dimensions, parts.manifest.hnsw, (done) =>
        onProgress?.({ phase: "graph", done, total: chunkVectors.length }),
      );
      return live(await saveIndex(indexDir, { ...rest, chunkStore }), parts.manifest);
    },
    load: (build, documents, search) => loadIndex(build.id, build.manifest, [...documents], search?.efSearch),
    lock: () => acquireBuildLock(indexDir),
    async close() {},
  };
}

async function readReusable(build: LiveBuild, readDocuments: (dir: string) => Promise<StoredDocument[] | undefined>): Promise<ReusableParts | undefined> {
  const { id: dir, manifest } = build;
  try {
    const stored = await readDocuments(dir);
    if (!stored) return undefined;
    const spans = await readSpanFiles(dir);
    if (spansProblem(spans.chunks) || spansProblem(spans.sentences)) return undefined;
    const chunks = Array.from({ length: spanCount(spans.chunks) }, (_, i) => decodeSpan(spans.chunks, i));
    const sentences = Array.from({ length: spanCount(spans.sentences) }, (_, i) => decodeSpan(spans.sentences, i));
    const codes = storedArrayOf(await readFile(path.join(dir, BUILD_FILES.sentenceVectors)), Int8Array);
    const scales = storedArrayOf(await readFile(path.join(dir, BUILD_FILES.sentenceScales)), Float32Array);
    if (!codes || !scales) return undefined;
    const sentenceVectors = dequantizeRows({ dimensions: manifest.dimensions, codes, scales });
    const chunkVectors = (await HnswStore.load(path.join(dir, BUILD_FILES.chunkVectors), manifest.dimensions, manifest.hnsw)).vectors();
    const dims = manifest.dimensions;
    const fits = stored.every((d) => d.chunkRows[1] <= chunks.length && d.sentenceRows[1] <= sentences.length);
    if (!fits || chunkVectors.length !== chunks.length * dims || sentenceVectors.length !== sentences.length * dims) return undefined;
    return { documents: new Map(stored.map((d) => [d.docId, d])), chunks, sentences, chunkVectors, sentenceVectors, dimensions: dims };
  } catch {
    return undefined;
  }
}
