// The physical limits of the model on this machine, measured with the bare
// transformers.js pipeline as its README shows it (`loadBarePipeline`, the one
// the tutorial peer embeds with): no worker, no cache, no
// retrieval. Every other number is judged against these.
import { performance } from "node:perf_hooks";
import type { FeatureExtractionPipeline } from "@xenova/transformers";
import { round } from "./stats.js";

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
