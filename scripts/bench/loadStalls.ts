// npm run bench:stalls -- DIR [--embedder model|hashing] [--http]
// Loads the build that `npm run bench:scale -- --keep` left in DIR (its corpus/ and index/) as a starting
// service does, and reports how long the event loop was held at a time: a timer asks every millisecond,
// and every gap over 10 ms is a stretch in which /healthz could not have answered.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createRag } from "../../src/rag.js";
import { hashingEmbedder } from "./hashingEmbedder.js";
import { healthWhileLoading } from "./healthWhileLoading.js";
import { round } from "./stats.js";

const args = process.argv.slice(2);
const work = args.find((a) => !a.startsWith("--"));
if (!work) throw new Error("usage: loadStalls.ts DIR [--embedder model|hashing]");
const embedder = args.includes("--embedder") ? args[args.indexOf("--embedder") + 1]! : "model";
if (args.includes("--http")) {
  // Over HTTP: /healthz asked back to back while a server of its own loads (healthWhileLoading.ts).
  console.log(JSON.stringify(await healthWhileLoading(work, embedder)));
  process.exit(0);
}
const rag = createRag({
  corpusDir: path.join(work, "corpus"),
  indexDir: path.join(work, "index"),
  queryCacheSize: 0,
  ...(embedder === "hashing" ? { embedder: hashingEmbedder() } : {}),
});
const gaps: { at: number; ms: number }[] = [];
const started = performance.now();
let last = started;
const timer = setInterval(() => {
  const now = performance.now();
  if (now - last > 10) gaps.push({ at: round(last - started, 0), ms: round(now - last, 1) });
  last = now;
}, 1);
const loaded = await rag.load();
clearInterval(timer);
const loadMs = performance.now() - started;
gaps.sort((a, b) => b.ms - a.ms);
console.log(JSON.stringify({
  status: loaded.status,
  chunks: loaded.manifest.counts.chunks,
  loadMs: round(loadMs, 0),
  longestStallMs: gaps[0]?.ms ?? 0,
  stallsOver50ms: gaps.filter((g) => g.ms > 50).length,
  longest: gaps.slice(0, 10),
}));
await rag.close();
