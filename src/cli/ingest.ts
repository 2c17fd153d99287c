import { resolveConfig } from "../config.js";
import { loadEmbedder, type LoadedEmbedder } from "../embed/loadEmbedder.js";
import { ensureIndex } from "../ingest/buildIndex.js";
import { loadCorpus } from "../ingest/loadCorpus.js";
import { describeIndex, progressReporter } from "./progress.js";
import { fail } from "./fail.js";

// npm run ingest [-- --force]: builds the index unless it already matches corpus and model.
let model: Promise<LoadedEmbedder> | undefined;
try {
  const config = resolveConfig();
  const corpus = await loadCorpus(config.corpusDir);
  const result = await ensureIndex({
    indexDir: config.indexDir,
    corpus,
    model: { id: config.modelId, quantized: config.quantized },
    chunking: { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars },
    getEmbedder: async () => (await (model ??= loadEmbedder(config))).embedder,
    force: process.argv.includes("--force"),
    onProgress: progressReporter(),
  });
  console.log(describeIndex(result));
  await (await model)?.close();
} catch (error) {
  fail(error);
}
