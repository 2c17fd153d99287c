// npx tsx scripts/bench/stores.ts [--sizes 1000,10000,100000] [--queries N (1000)] [--embedder hashing|model]
//                                 [--out FILE (bench/results/stores.json)] [--seconds S (10)] [--block B (50)]
// The two index stores side by side on the same synthetic corpora (syntheticCorpus.ts, seed 1):
// `hnsw` (files under INDEX_DIR, chunk vectors searched in-process by hnswlib) and `pgvector`
// (Postgres; chunk vectors searched by its HNSW index). For every size:
// - ingest: `rag.load()` on an empty store, in a fresh process per store, timed whole;
// - /v1/search latency over HTTP, one request at a time, from two service processes
//   (one per store, `createApp` as `npm start` mounts it, query cache off so every query is
//   embedded), the same queries sent to both in alternating blocks so that the machine's
//   drift hits both alike;
// - /v1/search throughput at 8 connections (autocannon, throughput.ts), alternating
//   hnsw, pgvector, pgvector, hnsw, …;
// - pgvector / hnsw for each.
// Postgres is PGlite (Postgres compiled to WebAssembly, with pgvector) behind pglite-socket, in
// a process of its own (storesPostgres.ts), fresh for each size: ONE Postgres session that serves
// one query at a time, slower than a native Postgres. The pgvector numbers are therefore an upper
// bound on what the store costs, not what it costs against a real server.
// `--embedder hashing` (the default) embeds with a stand-in (hashingEmbedder.ts) that takes
// microseconds, so what is compared is the stores, not the model; `--embedder model` uses the
// service's model in its worker (100k chunks then take a long time to embed, twice).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { progressReporter } from "../../src/cli/progress.js";
import type { IngestProgress } from "../../src/ingest/buildIndex.js";
import { createRag } from "../../src/rag.js";
import { createApp } from "../../src/server/app.js";
import { readQuestions } from "../eval/questions.js";
import { hashingEmbedder } from "./hashingEmbedder.js";
import { timeHttp } from "./latency.js";
import { round, summarize, variants, type Summary } from "./stats.js";
import { writeSyntheticCorpus } from "./syntheticCorpus.js";
import { runThroughput, type ThroughputResult } from "./throughput.js";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), "..", "..");

type StoreName = "hnsw" | "pgvector";
const STORES: readonly StoreName[] = ["hnsw", "pgvector"];
type EmbedderChoice = "model" | "hashing";
const EMBEDDERS: Record<EmbedderChoice, string> = {
  hashing: "bench/hashing-embedder (a stand-in that embeds in microseconds; see scripts/bench/hashingEmbedder.ts): the stores' cost, not the model's",
  model: "the service's model in its worker thread, as deployed",
};
const POSTGRES_NOTE =
  "pgvector runs against PGlite (Postgres 18 compiled to WebAssembly, with pgvector) behind pglite-socket, in its own process: " +
  "ONE Postgres session serving one query at a time, with PGlite's default settings. It is markedly slower than a native Postgres, " +
  "so the pgvector figures are an upper bound on the store's cost, not what it costs against a real server.";
const CONNECTIONS = 8;
// The first queries of a process warm its JIT (and Postgres's caches); they are sent before the blocks and left out.
const WARM_UP_QUERIES = 20;
// Queries compared between the stores' answers, a check that both serve the same index.
const AGREEMENT_QUERIES = 100;

/** The service over `work`'s corpus with `store`; the query cache is off, so every query is embedded. */
function ragFor(work: string, store: StoreName, embedder: EmbedderChoice, databaseUrl: string | undefined) {
  return createRag({
    corpusDir: path.join(work, "corpus"),
    indexDir: path.join(work, "index"),
    store,
    ...(store === "pgvector" && { databaseUrl }),
    queryCacheSize: 0,
    // A load generator is one client: the per-client limit would measure itself.
    rateLimitPerMinute: 0,
    ...(embedder === "hashing" ? { embedder: hashingEmbedder() } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Child phases: each runs in a fresh process and prints JSON lines on stdout.

/** Builds the index of `work`'s corpus into an empty `store`, timing `rag.load()` whole: prints one JSON line. */
async function ingestPhase(work: string, store: StoreName, embedder: EmbedderChoice, databaseUrl: string | undefined): Promise<void> {
  const rag = ragFor(work, store, embedder, databaseUrl);
  const report = progressReporter();
  // Seconds in each phase of the build, from its first progress report to the next phase's.
  const phaseSeconds: Record<string, number> = {};
  let phase: string | undefined;
  let phaseStarted = 0;
  const started = performance.now();
  const built = await rag.load({
    onProgress: (p: IngestProgress) => {
      if (p.phase !== phase) {
        const now = performance.now();
        if (phase) phaseSeconds[phase] = round((phaseSeconds[phase] ?? 0) + (now - phaseStarted) / 1000, 2);
        phase = p.phase;
        phaseStarted = now;
      }
      report(p);
    },
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  if (phase) phaseSeconds[phase] = round((phaseSeconds[phase] ?? 0) + (performance.now() - phaseStarted) / 1000, 2);
  if (built.status !== "built") throw new Error(`The ${store} store was not empty: load() found ${built.dir} (${built.status}).`);
  const { counts } = built.manifest;
  const usage = process.resourceUsage();
  console.log(JSON.stringify({
    store,
    documents: counts.documents,
    chunks: counts.chunks,
    sentences: counts.sentences,
    location: built.dir,
    ingestSeconds: round(ingestSeconds, 2),
    // Up to the last progress report of each phase; the rest of load() (lexical index, warm-up) is in ingestSeconds only.
    phaseSeconds,
    serviceCpuSeconds: round((usage.userCPUTime + usage.systemCPUTime) / 1e6, 2),
    servicePeakRssMB: round(usage.maxRSS / 1024, 1),
    ...(store === "hnsw" && { indexBytes: await directoryBytes(path.join(work, "index")) }),
  }));
  await rag.close();
}

/** Loads the build `ingestPhase` made and serves it over HTTP on an ephemeral port: prints `{url, loadSeconds, …}` once ready. */
async function servePhase(work: string, store: StoreName, embedder: EmbedderChoice, databaseUrl: string | undefined): Promise<void> {
  const rag = ragFor(work, store, embedder, databaseUrl);
  const started = performance.now();
  const loaded = await rag.load();
  const loadSeconds = (performance.now() - started) / 1000;
  if (loaded.status === "built") throw new Error(`The ${store} store had no build to serve; the serve phase built one (${loaded.reason}).`);
  const app = createApp(rag, (message) => process.stderr.write(`${store} service: ${message}\n`));
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening)).once("error", reject);
  });
  const address = server.address() as AddressInfo;
  console.log(JSON.stringify({
    store,
    url: `http://127.0.0.1:${address.port}`,
    loadSeconds: round(loadSeconds, 2),
    chunks: loaded.manifest.counts.chunks,
    rssMB: round(process.memoryUsage().rss / 2 ** 20, 1),
  }));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const usage = process.resourceUsage();
    const last = JSON.stringify({ serviceCpuSeconds: round((usage.userCPUTime + usage.systemCPUTime) / 1e6, 2), rssMB: round(process.memoryUsage().rss / 2 ** 20, 1) });
    server.closeAllConnections();
    server.close();
    void rag.close().finally(() => process.stdout.write(`${last}\n`, () => process.exit(0)));
  };
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop).on("close", stop).resume();
}
