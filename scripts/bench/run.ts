// npm run bench [-- --smoke] [--seconds N] [--out DIR]
// Measures the model's limits, then the service against them, and writes
// <out>/bench.json (default bench/results/) with the goals of issue 5 checked.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../src/config.js";
import { readQuestions, DEFAULT_DEV_SET } from "../eval/questions.js";
import { createRag } from "../../src/rag.js";
import { measureIngest, type IngestResult } from "./ingest.js";
import { measureStages, timeHttp } from "./latency.js";
import { loadBarePipeline } from "../eval/baselines/tutorialEmbeddings.js";
import { measureCeiling } from "./modelLimits.js";
import { measureColdStart, startServer } from "./serverProcess.js";
import { round, summarize, timeEach, variants } from "./stats.js";
import { runThroughput, type ThroughputResult } from "./throughput.js";
import { writeSyntheticCorpus } from "./syntheticCorpus.js";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const smoke = args.includes("--smoke");
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = path.resolve(option("--out") ?? path.join(repoRoot, "bench", "results"));
const seconds = Number(option("--seconds") ?? (smoke ? 1 : 20));
const profile = smoke
  ? { rounds: 1, connections: [1, 4], coldStarts: 1 }
  : { rounds: 4, connections: [1, 8, 32], coldStarts: 3 };

const log = (line: string) => process.stderr.write(line + "\n");
const config = resolveConfig();
const questions = (await readQuestions(DEFAULT_DEV_SET)).map((q) => q.question).slice(0, smoke ? 6 : undefined);
const texts = (tag: string) => variants(questions, questions.length * profile.rounds, tag);

// No worker thread ever runs in this process: with onnxruntime-node 1.14, a
// worker that exits while the main thread holds a session corrupts the heap
// (reproduced: .ci smoke run "corrupted size vs. prev_size", libuv assertions).
// Our service with its worker is measured as deployed, in its own process.
log("stages in-process (model on the main thread)…");
const rag = createRag({ embedInWorker: false });
await rag.load();
const stages = await measureStages(rag, texts("stages"));

// Sequential latency of every system, in alternating rounds: this shared
// machine's speed drifts by tens of percent within minutes, and a ratio of two
// numbers measured minutes apart would mostly measure the drift. Within a round
// each system runs a whole block of questions alone, after a pause and two
// unrecorded questions: onnxruntime's spare thread spins on for 20–30 ms after
// a system's last request, and without the pause it took one of the two cores
// from whichever system came next (`/v1/ask`, which followed our own
// `/v1/search`, measured faster than the search it contains).
const BLOCK_PAUSE_MS = 100;
const BLOCK_WARM_UP = 2;
log(`sequential latency: floor, HTTP floor, ours (then EMBED_WORKER=false) and the LangChain tutorial, ${profile.rounds} alternating rounds…`);
const ours = await startServer({ readyTimeoutMs: 600_000 });
const mainThread = await startServer({ env: { EMBED_WORKER: "false" }, readyTimeoutMs: 600_000 });
const tutorial = await startServer({ command: "tutorial", readyTimeoutMs: 600_000 });
const embedOnly = await startServer({ command: "embedOnly", readyTimeoutMs: 600_000 });
const extractor = await loadBarePipeline(config);
const embedBare = (text: string) => extractor([text], { pooling: "mean", normalize: true });
const blocks: Record<string, (texts: string[]) => Promise<number[]>> = {
  floor: (t) => timeEach(t, embedBare),
  embedOverHttp: (t) => timeHttp(embedOnly.url, "/v1/search", t),
  search: (t) => timeHttp(ours.url, "/v1/search", t),
  ask: (t) => timeHttp(ours.url, "/v1/ask", t),
  searchWithModelOnMainThread: (t) => timeHttp(mainThread.url, "/v1/search", t),
  tutorialSearch: (t) => timeHttp(tutorial.url, "/v1/search", t),
};
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(blocks).map((name) => [name, []]));
try {
  for (const [name, run] of Object.entries(blocks)) await run(variants(questions, Math.min(10, questions.length), `warm-${name}`));
  for (let round = 0; round < profile.rounds; round++) {
    for (const [name, run] of Object.entries(blocks)) {
      await new Promise((resolve) => setTimeout(resolve, BLOCK_PAUSE_MS));
      await run(variants(questions, BLOCK_WARM_UP, `warm-${name}-${round}`));
      samples[name]!.push(...(await run(variants(questions, questions.length, `${name}-${round}`))));
    }
  }
} catch (error) {
  await ours.stop();
  throw error;
} finally {
  await Promise.all([mainThread.stop(), tutorial.stop(), embedOnly.stop()]);
}
const http = {
  /** The HTTP floor: the service's embedding behind a bare node:http server (no retrieval, no Express). */
  embedOverHttp: summarize(samples.embedOverHttp!),
  search: summarize(samples.search!),
  ask: summarize(samples.ask!),
  searchWithModelOnMainThread: summarize(samples.searchWithModelOnMainThread!),
  tutorialSearch: summarize(samples.tutorialSearch!),
};
const limits = { queryEmbedMs: summarize(samples.floor!), ceiling: await measureCeiling(extractor, texts("ceiling")) };

log("ingest of the corpus and of a synthetic one…");
const ingest = await measureIngest({ ...config, embedInWorker: false }, config.corpusDir, extractor);
// A larger corpus too (its texts recombine the corpus's sentences): longer runs of full
// batches, the regime of real ingests. Sized to take seconds at this machine's usual speed.
const syntheticDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-bench-corpus-"));
let ingestSynthetic: IngestResult;
try {
  await writeSyntheticCorpus(syntheticDir, { targetChunks: smoke ? 40 : 600, seed: 1 });
  ingestSynthetic = await measureIngest({ ...config, embedInWorker: false }, syntheticDir, extractor);
} finally {
  await rm(syntheticDir, { recursive: true, force: true });
}
const ingestRatio = Math.min(ingest.ratio, ingestSynthetic.ratio);

// The goal's level is also bracketed by two ceiling measurements, for the same
// reason the latency rounds alternate: a ceiling measured minutes away from
// the run it judges partly measures the machine's drift. Each waits until the
// server has drained what autocannon left queued. The goal is judged against
// the higher of the two ceilings (the one measured after the rounds and the
// mean of the bracket), so that choosing between them cannot flatter it.
const goalConnections = profile.connections.includes(8) ? 8 : profile.connections[profile.connections.length - 1]!;
const SETTLE_MS = 2_000;
const settledCeiling = async (tag: string) => {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return (await measureCeiling(extractor, texts(tag))).embeddingsPerSecond;
};
log(`throughput: autocannon against the same server, ${seconds} s per level, the ceiling measured again right before and after ${goalConnections} connections…`);
const throughput: ThroughputResult[] = [];
const ceilingAroundGoal: number[] = [];
try {
  for (const connections of profile.connections) {
    const bracket = connections === goalConnections;
    if (bracket) ceilingAroundGoal.push(await settledCeiling("ceiling-before"));
    throughput.push(...(await runThroughput({ url: ours.url, path: "/v1/search", connections: [connections], durationSeconds: seconds, queries: questions })));
    if (bracket) ceilingAroundGoal.push(await settledCeiling("ceiling-after"));
  }
} finally {
  await ours.stop();
}
const ceilingAtGoal = round((ceilingAroundGoal[0]! + ceilingAroundGoal[1]!) / 2, 1);
const ceilingJudged = Math.max(ceilingAtGoal, limits.ceiling.embeddingsPerSecond);

log("cold start…");
const coldStart = await measureColdStart(profile.coldStarts);
// As a user sees it: npm itself and the build's up-to-date check come first.
const coldStartNpm = await measureColdStart(profile.coldStarts, { command: "npm" });

const floor = limits.queryEmbedMs.p50;
const at8 = throughput.find((t) => t.connections === goalConnections)!;
const goals = [
  { goal: "/v1/search p50 ≤ 1.3× bare query embedding p50", value: round(http.search.p50 / floor, 3), target: 1.3, met: http.search.p50 / floor <= 1.3 },
  { goal: "/v1/ask p50 ≤ 1.5× bare query embedding p50", value: round(http.ask.p50 / floor, 3), target: 1.5, met: http.ask.p50 / floor <= 1.5 },
  { goal: "/v1/search p50 ≤ LangChain tutorial /v1/search p50", value: round(http.search.p50 / http.tutorialSearch.p50, 3), target: 1, met: http.search.p50 <= http.tutorialSearch.p50 },
  { goal: `throughput at ${at8.connections} connections ≥ 0.85 of the embedding ceiling (the higher of the two measures), 0 errors`, value: round(at8.requestsPerSecond / ceilingJudged, 3), target: 0.85, met: at8.requestsPerSecond / ceilingJudged >= 0.85 && throughput.every((t) => t.errors + t.non2xx === 0) },
  { goal: `ingest ≥ 0.8 of bare batched embedding (the lower of the corpus and a synthetic ${ingestSynthetic.chunks}-chunk corpus)`, value: ingestRatio, target: 0.8, met: ingestRatio >= 0.8 },
  { goal: "ready ≤ 1.5 s after process start (built index)", value: round(coldStart.p50 / 1000, 2), target: 1.5, met: coldStart.p50 <= 1500 },
];

const report = {
  kind: smoke ? "smoke" : "full",
  measuredAt: new Date().toISOString(),
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version, embedThreads: config.embedThreads },
  questions: questions.length,
  limits,
  stagesMs: stages,
  httpMs: http,
  ingest,
  ingestSynthetic,
  throughput,
  ceilingAroundThroughputGoal: {
    connections: goalConnections,
    before: ceilingAroundGoal[0],
    after: ceilingAroundGoal[1],
    mean: ceilingAtGoal,
    ratioToMean: round(at8.requestsPerSecond / ceilingAtGoal, 3),
    ratioToCeilingAfterRounds: round(at8.requestsPerSecond / limits.ceiling.embeddingsPerSecond, 3),
  },
  coldStartMs: { node: coldStart, npmStart: coldStartNpm },
  // Not goals: how the gap to the floor splits into the HTTP round trip with the worker's
  // hand-offs (HTTP floor / floor) and what the service adds on top (search / HTTP floor).
  decomposition: {
    httpFloorOverFloor: round(http.embedOverHttp.p50 / floor, 3),
    searchOverHttpFloor: round(http.search.p50 / http.embedOverHttp.p50, 3),
  },
  goals,
};
await mkdir(outDir, { recursive: true });
const file = path.join(outDir, smoke ? "smoke.json" : "bench.json");
await writeFile(file, JSON.stringify(report, null, 2) + "\n");
log(`\nwrote ${file}`);
for (const g of goals) log(`${g.met ? "met    " : "NOT MET"} ${g.goal}: ${g.value} (target ${g.target})`);
log(`(HTTP floor / floor ${report.decomposition.httpFloorOverFloor}; /v1/search / HTTP floor ${report.decomposition.searchOverHttpFloor})`);
process.exit(0);
