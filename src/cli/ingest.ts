import { resolveConfig } from "../config.js";
import { loadEmbedder, type LoadedEmbedder } from "../embed/loadEmbedder.js";
import { openIndex } from "../ingest/openIndex.js";
import { openStore } from "../store/openStore.js";
import { describeIndex, describeSkipped, progressReporter } from "./progress.js";
import { fail } from "./fail.js";

// npm run ingest [-- --force]: builds the index (in the store STORE names) from the corpus folder
// unless it already matches corpus, model and code, and reads it back, so a damaged build is found (and rebuilt) here rather than at the next start.
let model: Promise<LoadedEmbedder> | undefined;
try {
  // Nothing is served while it runs: every core for the model, unless EMBED_THREADS says otherwise.
  const config = resolveConfig(process.env.EMBED_THREADS === undefined ? { embedThreads: 0 } : {});
  const store = openStore(config);
  const { corpus, result } = await openIndex({
    config,
    store,
    getEmbedder: async () => (await (model ??= loadEmbedder(config))).embedder,
    force: process.argv.includes("--force"),
    onProgress: progressReporter(),
  });
  if (corpus.skipped.length) console.error(describeSkipped(corpus.skipped));
  console.log(describeIndex(result));
  await store.close();
  await (await model)?.close();
} catch (error) {
  fail(error);
}
