// Ingest throughput of the real build (worker thread, HNSW, files) against the
// bare pipeline embedding the very same texts.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { RagConfig } from "../../src/config.js";
import { loadEmbedder } from "../../src/embed/loadEmbedder.js";
import { ensureIndex } from "../../src/ingest/buildIndex.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { loadIndex } from "../../src/store/loadIndex.js";
import type { FeatureExtractionPipeline } from "@xenova/transformers";
import { measureBatchedThroughput } from "./modelLimits.js";
import { round } from "./stats.js";

export interface IngestResult {
  corpusDir: string;
  chunks: number;
  sentences: number;
  buildSeconds: number;
  chunksPerSecond: number;
  /** Chunks and sentences: everything the build embeds. */
  textsPerSecond: number;
  bareTextsPerSecond: number;
  ratio: number;
}

export async function measureIngest(config: RagConfig, corpusDir: string, extractor: FeatureExtractionPipeline): Promise<IngestResult> {
  const indexDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-bench-ingest-"));
  const model = await loadEmbedder({ ...config, queryCacheSize: 0 });
  try {
    const corpus = await loadCorpus(corpusDir);
    const started = performance.now();
    const built = await ensureIndex({
      indexDir,
      corpus,
      model: { id: config.modelId, quantized: config.quantized },
      chunking: { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars },
      getEmbedder: async () => model.embedder,
      force: true,
    });
    const buildSeconds = (performance.now() - started) / 1000;
    const index = await loadIndex(built.dir, built.manifest, corpus.documents);
    const texts = [...index.chunks, ...index.sentences].map((s) => s.text);
    const bare = await measureBatchedThroughput(extractor, texts, config.embedBatchSize);
    const textsPerSecond = texts.length / buildSeconds;
    return {
      corpusDir,
      chunks: index.chunks.length,
      sentences: index.sentences.length,
      buildSeconds: round(buildSeconds, 2),
      chunksPerSecond: round(index.chunks.length / buildSeconds, 1),
      textsPerSecond: round(textsPerSecond, 1),
      bareTextsPerSecond: bare,
      ratio: round(textsPerSecond / bare, 2),
    };
  } finally {
    await model.close();
    await rm(indexDir, { recursive: true, force: true });
  }
}
