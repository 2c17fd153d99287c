// The physical limits of the model on this machine, measured with the bare
// transformers.js pipeline as its README shows it: no worker, no cache, no
// retrieval. Every other number is judged against these.
import { performance } from "node:perf_hooks";
import { env, pipeline, type FeatureExtractionPipeline } from "@xenova/transformers";
import type { RagConfig } from "../../src/config.js";
import { round } from "./stats.js";

export async function loadBarePipeline(config: RagConfig): Promise<FeatureExtractionPipeline> {
  env.localModelPath = config.modelsDir;
  env.allowRemoteModels = false;
  return (await pipeline("feature-extraction", config.modelId, { quantized: config.quantized })) as FeatureExtractionPipeline;
}

/** Embeddings per second of the bare pipeline with `concurrency` calls in flight in one process: the embedding-bound ceiling. */
export async function measureCeiling(extractor: FeatureExtractionPipeline, texts: string[], concurrency = 8): Promise<{ concurrency: number; embeddingsPerSecond: number }> {
  const embed = (text: string) => extractor([text], { pooling: "mean", normalize: true });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < texts.length) await embed(texts[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { concurrency, embeddingsPerSecond: round(texts.length / seconds, 1) };
}

/** Texts per second of the bare pipeline over `texts` in batches of `batchSize`, shortest first like the ingest. */
export async function measureBatchedThroughput(extractor: FeatureExtractionPipeline, texts: string[], batchSize: number): Promise<number> {
  const sorted = [...texts].sort((a, b) => a.length - b.length);
  const started = performance.now();
  for (let i = 0; i < sorted.length; i += batchSize) await extractor(sorted.slice(i, i + batchSize), { pooling: "mean", normalize: true });
  return round(texts.length / ((performance.now() - started) / 1000), 1);
}
