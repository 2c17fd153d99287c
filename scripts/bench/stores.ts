// npx tsx scripts/bench/stores.ts [--sizes 1000,10000,100000] [--queries N (1000)] [--embedder hashing|model]
//                                 [--out FILE (bench/results/stores.json)] [--seconds S (10)] [--rounds R (2)] [--block B (50)]
// The two index stores side by side on the same synthetic corpora (syntheticCorpus.ts, seed 1):
// `hnsw` (files under INDEX_DIR, chunk vectors searched in-process by hnswlib) and `pgvector`
// (Postgres; chunk vectors searched by its HNSW index). For every size:
// - ingest: `rag.load()` on an empty store, timed whole, in a fresh service process per store,
//   which then serves what it built over HTTP (as `npm start` on an empty store does);
// - /v1/search latency over HTTP, one request at a time, from those two service processes
//   (`createApp` as `npm start` mounts it, query cache off so every query is embedded), the
//   same queries sent to both in alternating blocks so that the machine's drift hits both alike;
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
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
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
// The child: one service process per store and size, as `npm start` runs on an empty store.

const cpuSeconds = () => {
  const usage = process.resourceUsage();
  return round((usage.userCPUTime + usage.systemCPUTime) / 1e6, 2);
};

/**
 * Builds the index of `work`'s corpus into an empty `store`, timing `rag.load()` whole, and prints
 * one JSON line of it; then serves that build over HTTP on an ephemeral port and prints a second
 * line with its URL. Building and serving in one process is what a service started on an empty
 * store does, and it keeps the code that built the index the code that serves it (this machine's
 * src/ may be edited while a run takes minutes: a fresh process would then rebuild). Stops on
 * SIGTERM or when its stdin closes, printing a last line with its CPU time and memory.
 */
async function servicePhase(work: string, store: StoreName, embedder: EmbedderChoice, databaseUrl: string | undefined): Promise<void> {
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
  const cpuAfterIngest = cpuSeconds();
  console.log(JSON.stringify({
    store,
    documents: counts.documents,
    chunks: counts.chunks,
    sentences: counts.sentences,
    location: built.dir,
    hnsw: built.manifest.hnsw,
    sourceHash,
    ingestSeconds: round(ingestSeconds, 2),
    // Up to the last progress report of each phase; the rest of load() (lexical index, warm-up) is in ingestSeconds only.
    phaseSeconds,
    serviceCpuSeconds: cpuAfterIngest,
    servicePeakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    ...(store === "hnsw" && { indexBytes: await directoryBytes(path.join(work, "index")) }),
  }));

  const app = createApp(rag, (message) => process.stderr.write(`${store} service: ${message}\n`));
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening)).once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const cpuAtReady = cpuSeconds();
  console.log(JSON.stringify({ store, url: `http://127.0.0.1:${address.port}`, rssMB: round(process.memoryUsage().rss / 2 ** 20, 1) }));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const last = JSON.stringify({ servingCpuSeconds: round(cpuSeconds() - cpuAtReady, 2), rssMB: round(process.memoryUsage().rss / 2 ** 20, 1) });
    server.closeAllConnections();
    server.close();
    void rag.close().finally(() => process.stdout.write(`${last}\n`, () => process.exit(0)));
  };
  process.on("SIGTERM", stop);
  process.stdin.on("end", stop).on("close", stop).resume();
}

/**
 * A hash of every file under src/ as this process loaded it (read at its start, right after its
 * imports). Each child reports it: a run whose processes loaded different sources (src/ edited
 * while it ran) says so instead of comparing two versions of the code.
 */
const sourceHash = (() => {
  const hash = createHash("sha256");
  const root = path.join(repoRoot, "src");
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
})();

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// The parent: child processes, and what is measured against them.

type Json = Record<string, unknown>;

/** A child process of this benchmark that speaks in JSON lines on stdout; its stderr is ours. */
interface JsonChild {
  /** The next JSON line it prints; rejects if it exits first. */
  next(): Promise<Json>;
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after 30 s), then its last JSON line, if it printed one after the ones taken by next(). */
  stop(): Promise<Json | undefined>;
}

function startChild(script: string, childArgs: string[]): JsonChild {
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, script, ...childArgs], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: Json[] = [];
  const waiting: { resolve: (line: Json) => void; reject: (error: Error) => void }[] = [];
  let exitCode: number | null | undefined;
  let buffer = "";
  child.stdout!.setEncoding("utf8").on("data", (part: string) => {
    buffer += part;
    for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n")) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (!line.startsWith("{")) continue;
      const parsed = JSON.parse(line) as Json;
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(parsed);
      else lines.push(parsed);
    }
  });
  const exited = new Promise<number | null>((resolve, reject) => child.once("error", reject).once("close", (code) => resolve(code)));
  void exited.then(
    (code) => {
      exitCode = code;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error(`${path.basename(script)} ${childArgs.join(" ")} exited with ${code} before it reported`));
    },
    () => undefined,
  );
  // Whatever happens to this process, its children must not outlive it.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  return {
    next() {
      const line = lines.shift();
      if (line) return Promise.resolve(line);
      if (exitCode !== undefined) return Promise.reject(new Error(`${path.basename(script)} ${childArgs.join(" ")} exited with ${exitCode}`));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    exited,
    async stop() {
      if (exitCode === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exited.catch(() => undefined);
        clearTimeout(timer);
      }
      process.removeListener("exit", kill);
      return lines.pop();
    },
  };
}

const seconds = (since: number) => round((performance.now() - since) / 1000, 1);
const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const log = (message: string) => process.stderr.write(`stores: ${message}\n`);

interface Options {
  queries: number;
  block: number;
  seconds: number;
  rounds: number;
  embedder: EmbedderChoice;
}

/** Sizes and measures of the Postgres database after the pgvector ingest. */
async function databaseFacts(url: string): Promise<Json> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ database_bytes: string; hnsw_index_bytes: string | null; chunks_bytes: string; pgvector: string | null }>(
      `SELECT pg_database_size(current_database())::text AS database_bytes,
              (SELECT sum(pg_relation_size(c.oid))::text FROM pg_class c WHERE c.relname LIKE 'rag_chunks_hnsw_%' AND c.relkind = 'i') AS hnsw_index_bytes,
              pg_total_relation_size('rag_chunks')::text AS chunks_bytes,
              (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS pgvector`,
    );
    const row = rows[0]!;
    return { databaseBytes: Number(row.database_bytes), chunkTableBytes: Number(row.chunks_bytes), hnswIndexBytes: Number(row.hnsw_index_bytes ?? 0), pgvectorVersion: row.pgvector };
  } finally {
    await client.end();
  }
}

/** The spans `/v1/search` returns for `query`, as "docId:start:end", best first. */
async function resultKeys(url: string, query: string): Promise<string[]> {
  const response = await fetch(new URL("/v1/search", url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { results?: { docId: string; start: number; end: number }[] };
  if (!response.ok || !body.results) throw new Error(`/v1/search at ${url} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.results.map((r) => `${r.docId}:${r.start}:${r.end}`);
}

/** How alike the two stores' answers are: the share of results in common, and of identical first results. */
async function measureAgreement(urls: Record<StoreName, string>, queries: string[]): Promise<Json> {
  let shared = 0;
  let total = 0;
  let sameFirst = 0;
  let identical = 0;
  for (const query of queries) {
    const a = await resultKeys(urls.hnsw, query);
    const b = await resultKeys(urls.pgvector, query);
    const inB = new Set(b);
    shared += a.filter((key) => inB.has(key)).length;
    total += Math.max(a.length, b.length);
    if (a[0] === b[0]) sameFirst++;
    if (a.join() === b.join()) identical++;
  }
  return { queries: queries.length, sharedResults: round(total ? shared / total : 1, 3), sameFirstResult: round(sameFirst / queries.length, 3), identicalLists: round(identical / queries.length, 3) };
}

interface StoreResult {
  ingest: Json & { ingestSeconds: number };
  serve: Json;
  searchMs: Summary;
  searchTimes: number[];
  throughput: ThroughputResult[];
  requestsPerSecond: number;
}

/** Measures one size; what it has measured so far is also put in `partial`, for a report of a size that fails midway. */
async function measureSize(targetChunks: number, sizeIndex: number, options: Options, partial: Json): Promise<Json> {
  const sizeStarted = performance.now();
  const loadBefore = os.loadavg().map((x) => round(x, 2));
  const timings: Record<string, number> = {};
  const work = await mkdtemp(path.join(os.tmpdir(), `cited-rag-stores-${targetChunks}-`));
  const children: JsonChild[] = [];
  let postgres: JsonChild | undefined;
  try {
    let t = performance.now();
    log(`${targetChunks} chunks: writing the synthetic corpus…`);
    const corpus = await writeSyntheticCorpus(path.join(work, "corpus"), { targetChunks, seed: 1 });
    timings.corpusSeconds = seconds(t);

    t = performance.now();
    postgres = startChild(path.join(path.dirname(self), "storesPostgres.ts"), []);
    const { url: databaseUrl, settings: postgresSettings } = (await postgres.next()) as { url: string; settings: Json };
    timings.postgresStartSeconds = seconds(t);
    log(`${targetChunks} chunks: Postgres (PGlite) at ${databaseUrl}`);

    // Ingest, each store into an empty one, by a fresh service process that then serves it; which goes first alternates by size.
    const order = (i: number) => (i % 2 === 0 ? STORES : [...STORES].reverse());
    const ingest = {} as Record<StoreName, StoreResult["ingest"]>;
    const servers = {} as Record<StoreName, JsonChild>;
    const serve = {} as Record<StoreName, Json & { url: string }>;
    for (const store of order(sizeIndex)) {
      log(`${targetChunks} chunks: ingesting into ${store}…`);
      t = performance.now();
      servers[store] = startChild(self, ["--service", store, "--work", work, "--embedder", options.embedder, "--database-url", databaseUrl]);
      children.push(servers[store]);
      ingest[store] = (await servers[store].next()) as StoreResult["ingest"];
      partial[`${store}Ingest`] = ingest[store];
      timings[`${store}IngestWallSeconds`] = seconds(t);
      log(`${targetChunks} chunks: ${store} ingest took ${ingest[store].ingestSeconds} s`);
      serve[store] = (await servers[store].next()) as Json & { url: string };
    }
    const database = await databaseFacts(databaseUrl);
    partial.database = database;
    const urls = { hnsw: serve.hnsw.url, pgvector: serve.pgvector.url };

    // Sequential latency, the same queries to both, in blocks whose order alternates.
    t = performance.now();
    const questions = (await readQuestions()).map((q) => q.question);
    for (const store of STORES) await timeHttp(urls[store], "/v1/search", variants(questions, WARM_UP_QUERIES, `warm ${store}`));
    const texts = variants(questions, options.queries, "s");
    const times: Record<StoreName, number[]> = { hnsw: [], pgvector: [] };
    const blockRatios: number[] = [];
    for (let b = 0, first = 0; first < texts.length; b++, first += options.block) {
      const slice = texts.slice(first, first + options.block);
      const block = {} as Record<StoreName, number[]>;
      for (const store of order(b)) block[store] = await timeHttp(urls[store], "/v1/search", slice);
      for (const store of STORES) times[store].push(...block[store]);
      blockRatios.push(median(block.pgvector) / median(block.hnsw));
    }
    timings.latencySeconds = seconds(t);
    partial.searchMs = { hnsw: summarize(times.hnsw), pgvector: summarize(times.pgvector) };
    log(`${targetChunks} chunks: search p50 hnsw ${summarize(times.hnsw).p50} ms, pgvector ${summarize(times.pgvector).p50} ms`);

    t = performance.now();
    const agreement = await measureAgreement(urls, texts.slice(0, Math.min(AGREEMENT_QUERIES, texts.length)));
    timings.agreementSeconds = seconds(t);

    // Throughput at 8 connections: hnsw, pgvector, pgvector, hnsw, …
    t = performance.now();
    const throughput: Record<StoreName, ThroughputResult[]> = { hnsw: [], pgvector: [] };
    for (let r = 0; r < options.rounds; r++) {
      for (const store of order(r)) {
        log(`${targetChunks} chunks: throughput of ${store} at ${CONNECTIONS} connections for ${options.seconds} s (round ${r + 1})…`);
        const [result] = await runThroughput({ url: urls[store], path: "/v1/search", connections: [CONNECTIONS], durationSeconds: options.seconds, queries: questions });
        throughput[store].push(result!);
        partial.throughput = throughput;
      }
    }
    timings.throughputSeconds = seconds(t);

    const serviceUsage = {} as Record<StoreName, Json | undefined>;
    for (const store of STORES) serviceUsage[store] = await servers[store].stop();
    const postgresUsage = await postgres.stop();
    postgres = undefined;
    timings.totalSeconds = seconds(sizeStarted);

    const perStore = Object.fromEntries(
      STORES.map((store) => {
        const { url: _url, ...served } = serve[store];
        const runs = throughput[store];
        const result = {
          ingest: ingest[store],
          serve: { ...served, afterRun: serviceUsage[store] },
          searchMs: summarize(times[store]),
          requestsPerSecond: round(runs.reduce((sum, run) => sum + run.requestsPerSecond, 0) / runs.length, 1),
          throughput: runs.map((run) => ({ ...run, requestsPerSecond: round(run.requestsPerSecond, 1), latencyP50Ms: round(run.latencyP50Ms, 2), latencyP99Ms: round(run.latencyP99Ms, 2) })),
          searchTimes: times[store].map((x) => round(x, 3)),
        };
        return [store, result];
      }),
    ) as unknown as Record<StoreName, StoreResult>;
    const { hnsw, pgvector } = perStore;
    const sourceHashes = [...new Set(STORES.map((store) => ingest[store].sourceHash))];
    if (sourceHashes.length > 1) log(`WARNING: ${targetChunks} chunks: src/ changed while this size ran (${sourceHashes.join(", ")}); its processes ran different code.`);
    return {
      targetChunks,
      chunks: hnsw.ingest.chunks,
      sentences: hnsw.ingest.sentences,
      documents: corpus.documents,
      corpusChars: corpus.chars,
      ingestOrder: order(sizeIndex),
      // One entry unless src/ was edited while this size ran (see sourceHash).
      sourceHashes,
      ratios: {
        ingestSeconds: ratio(pgvector.ingest.ingestSeconds, hnsw.ingest.ingestSeconds),
        searchP50: ratio(pgvector.searchMs.p50, hnsw.searchMs.p50),
        searchP95: ratio(pgvector.searchMs.p95, hnsw.searchMs.p95),
        // Of the p50 within each block: the spread says how much the machine's drift moved the ratio.
        searchP50ByBlock: { blocks: blockRatios.length, median: round(median(blockRatios), 2), min: round(Math.min(...blockRatios), 2), max: round(Math.max(...blockRatios), 2) },
        requestsPerSecond: ratio(pgvector.requestsPerSecond, hnsw.requestsPerSecond),
      },
      agreement,
      postgres: { settings: postgresSettings, ...database, processUsage: postgresUsage },
      hnsw,
      pgvector,
      loadAverage: { before: loadBefore, after: os.loadavg().map((x) => round(x, 2)) },
      timings,
    };
  } finally {
    for (const child of children) await child.stop();
    await postgres?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

const formatNumber = (x: number, digits: number) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function markdownTable(sizes: Json[]): string {
  const lines = ["| chunks | measure | hnsw | pgvector (PGlite) | pgvector / hnsw |", "|---:|---|---:|---:|---:|"];
  for (const size of sizes) {
    const hnsw = size.hnsw as StoreResult;
    const pgvector = size.pgvector as StoreResult;
    const ratios = size.ratios as Record<string, number | null>;
    const rows: [string, number, number, number | null, number][] = [
      ["ingest (s)", hnsw.ingest.ingestSeconds, pgvector.ingest.ingestSeconds, ratios.ingestSeconds!, 2],
      ["/v1/search p50 (ms)", hnsw.searchMs.p50, pgvector.searchMs.p50, ratios.searchP50!, 2],
      ["/v1/search p95 (ms)", hnsw.searchMs.p95, pgvector.searchMs.p95, ratios.searchP95!, 2],
      [`/v1/search req/s at ${CONNECTIONS} connections`, hnsw.requestsPerSecond, pgvector.requestsPerSecond, ratios.requestsPerSecond!, 1],
    ];
    for (const [i, [measure, a, b, r, digits]] of rows.entries()) {
      const chunks = i === 0 ? formatNumber(size.chunks as number, 0) : "";
      lines.push(`| ${chunks} | ${measure} | ${formatNumber(a, digits)} | ${formatNumber(b, digits)} | ${r === null ? "–" : `${formatNumber(r, 2)}×`} |`);
    }
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const started = performance.now();
  const sizes = (option("--sizes") ?? "1000,10000,100000").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes must be positive integers, not ${option("--sizes")}.`);
  const options: Options = {
    queries: Number(option("--queries") ?? 1000),
    block: Number(option("--block") ?? 50),
    seconds: Number(option("--seconds") ?? 10),
    rounds: Number(option("--rounds") ?? 2),
    embedder: (option("--embedder") ?? "hashing") as EmbedderChoice,
  };
  if (!(options.embedder in EMBEDDERS)) throw new Error(`--embedder must be one of ${Object.keys(EMBEDDERS).join(", ")}, not ${options.embedder}.`);
  for (const name of ["queries", "block", "seconds", "rounds"] as const) {
    if (!(Number.isFinite(options[name]) && options[name] > 0)) throw new Error(`--${name} must be a positive number, not ${options[name]}.`);
  }
  const out = path.resolve(option("--out") ?? path.join(repoRoot, "bench", "results", "stores.json"));
  log(`embedder: ${EMBEDDERS[options.embedder]}`);
  log(POSTGRES_NOTE);

  const results: Json[] = [];
  const failed: Json[] = [];
  const reportOf = (complete: boolean) => ({
    measuredAt: new Date().toISOString(),
    command: `npx tsx scripts/bench/stores.ts ${args.join(" ")}`.trim(),
    // False while sizes are still to come: the file is written after each size, so a run cut short keeps what it measured.
    complete,
    sizesAsked: sizes,
    embedder: EMBEDDERS[options.embedder],
    postgres: POSTGRES_NOTE,
    method: {
      queriesPerStoreAndSize: options.queries,
      warmUpQueries: WARM_UP_QUERIES,
      blockSize: options.block,
      throughput: `${CONNECTIONS} connections, ${options.rounds} runs of ${options.seconds} s per store and size, alternating`,
      client: "sequential: node:http with keep-alive (latency.ts timeHttp); throughput: autocannon (throughput.ts)",
    },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGB: round(os.totalmem() / 2 ** 30, 1), node: process.version, platform: `${os.platform()} ${os.release()}` },
    sizes: results,
    failedSizes: failed,
    table: markdownTable(results),
    totalSeconds: seconds(started),
  });
  await mkdir(path.dirname(out), { recursive: true });
  for (const [i, n] of sizes.entries()) {
    // A size that fails is reported with what it measured, and the run goes on: the sizes done must not be lost.
    const partial: Json = {};
    try {
      results.push(await measureSize(n, i, options, partial));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${n} chunks FAILED: ${message}`);
      failed.push({ targetChunks: n, error: message, measured: partial });
      process.exitCode = 1;
    }
    await writeFile(out, `${JSON.stringify(reportOf(i === sizes.length - 1), null, 2)}\n`);
    log(`${n} chunks done (${seconds(started)} s so far); wrote ${out}`);
  }
  const report = reportOf(true);
  const table = report.table;
  const agreement = results.map((r) => `${r.chunks} chunks: ${JSON.stringify(r.agreement)}`).join("; ");
  const failures = results.flatMap((r) =>
    STORES.flatMap((store) => (r[store] as StoreResult).throughput.filter((run) => run.errors || run.non2xx).map((run) => `${r.chunks} chunks, ${store}: ${run.errors} errors, ${run.non2xx} non-2xx${run.firstFailure ? ` (${run.firstFailure})` : ""}`)),
  );
  console.log(
    [
      "",
      `Index stores on synthetic corpora (${options.queries} sequential /v1/search a store and size; throughput ${report.method.throughput}).`,
      `Embedder: ${EMBEDDERS[options.embedder]}.`,
      POSTGRES_NOTE,
      "",
      table,
      "",
      `Agreement of the two stores' results: ${agreement}.`,
      ...(failures.length ? [`Failed requests: ${failures.join("; ")}.`] : []),
      ...failed.map((f) => `FAILED ${f.targetChunks} chunks: ${f.error} (measured before it failed: ${JSON.stringify(f.measured)})`),
      `Wrote ${out} in ${report.totalSeconds} s.`,
    ].join("\n"),
  );
}

const work = option("--work");
const storeArg = (name: string) => {
  const value = option(name) as StoreName | undefined;
  if (!value || !STORES.includes(value)) throw new Error(`${name} must be one of ${STORES.join(", ")}.`);
  return value;
};
const embedderArg = (option("--embedder") ?? "hashing") as EmbedderChoice;
if (work && args.includes("--service")) {
  await servicePhase(work, storeArg("--service"), embedderArg, option("--database-url"));
} else {
  await main();
}
