// The physical limits of the model on this machine, measured with the bare
// transformers.js pipeline as its README shows it: no worker, no cache, no
// retrieval. Every other number is judged against these.
import { performance } from "node:perf_hooks";
import { env, pipeline, type FeatureExtractionPipeline } from "@xenova/transformers";
import type { RagConfig } from "../../src/config.js";
import { summarize, round, timeEach, type Summary } from "./stats.js";

export interface ModelLimits {
  /** One warm query embedding, sequentially. */
  queryEmbedMs: Summary;
  /** Embeddings per second with `concurrency` calls in flight in one process. */
  ceiling: { concurrency: number; embeddingsPerSecond: number };
}

export async function loadBarePipeline(config: RagConfig): Promise<FeatureExtractionPipeline> {
  env.localModelPath = config.modelsDir;
  env.allowRemoteModels = false;
  return (await pipeline("feature-extraction", config.modelId, { quantized: config.quantized })) as FeatureExtractionPipeline;
}

export async function measureModelLimits(extractor: FeatureExtractionPipeline, texts: string[], concurrency = 8): Promise<ModelLimits> {
  const embed = (text: string) => extractor([text], { pooling: "mean", normalize: true });
  for (const text of texts.slice(0, 5)) await embed(`warm-up ${text}`);
  const times = await timeEach(texts, embed);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < texts.length) await embed(`${texts[next++]!} again`);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { queryEmbedMs: summarize(times), ceiling: { concurrency, embeddingsPerSecond: round(texts.length / seconds, 1) } };
}

/** Texts per second of the bare pipeline over `texts` in batches of `batchSize`, shortest first like the ingest. */
export async function measureBatchedThroughput(extractor: FeatureExtractionPipeline, texts: string[], batchSize: number): Promise<number> {
  const sorted = [...texts].sort((a, b) => a.length - b.length);
  const started = performance.now();
  for (let i = 0; i < sorted.length; i += batchSize) await extractor(sorted.slice(i, i + batchSize), { pooling: "mean", normalize: true });
  return round(texts.length / ((performance.now() - started) / 1000), 1);
}
