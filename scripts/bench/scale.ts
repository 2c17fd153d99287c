// npm run bench:scale [-- --sizes 1000,10000,100000] [--queries N] [--out DIR]
// Synthetic corpora of growing size (reproducible seed), each built in its own
// process and served by fresh ones, as a service would be, in two rounds (see
// measureSizes): build time, index size on disk, load time, RSS, search and ask latency.
// Vectors come from a hashing stand-in for the model (see hashingEmbedder.ts):
// embedding is linear in the corpus and measured by `npm run bench`; what this
// study shows is how everything else grows.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readQuestions } from "../../src/eval/questions.js";
import { createRag } from "../../src/rag.js";
import { hashingEmbedder } from "./hashingEmbedder.js";
import { measureStages } from "./latency.js";
import { measureLexicalFidelity } from "./lexicalFidelity.js";
import { round, summarize, timeEach, variants, type Summary } from "./stats.js";
import { writeSyntheticCorpus } from "./syntheticCorpus.js";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), "..", "..");

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** The service over `work`'s corpus and index, with the stand-in embedder and no query cache. */
const syntheticRag = (work: string) =>
  createRag({ corpusDir: path.join(work, "corpus"), indexDir: path.join(work, "index"), embedder: hashingEmbedder(), queryCacheSize: 0 });

/** Builds a synthetic corpus of about `chunks` chunks under `work`: prints one JSON line. */
async function buildPhase(work: string, chunks: number): Promise<void> {
  const corpusDir = path.join(work, "corpus");
  await writeSyntheticCorpus(corpusDir, { targetChunks: chunks, seed: 1 });
  const rag = syntheticRag(work);
  const started = performance.now();
  const built = await rag.load();
  const buildSeconds = (performance.now() - started) / 1000;
  const counts = built.manifest.counts;
  console.log(JSON.stringify({
    targetChunks: chunks,
    chunks: counts.chunks,
    sentences: counts.sentences,
    buildSeconds: round(buildSeconds, 2),
    indexBytes: await directoryBytes(built.dir),
    buildPeakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
  }));
  await rag.close();
}

/**
 * Loads the build `buildPhase` wrote, as a starting service would, and times queries: prints one JSON line.
 * With `searchOnly`, only load and search are measured (a second round of the same size).
 */
async function servePhase(work: string, queries: number, searchOnly: boolean): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const rag = syntheticRag(work);
  const started = performance.now();
  const loaded = await rag.load();
  const loadSeconds = (performance.now() - started) / 1000;
  const questions = (await readQuestions()).map((q) => q.question);
  // The first calls warm the JIT; they are left out.
  const afterWarmUp = (times: number[]) => times.slice(Math.min(10, queries / 10));
  const searchKept = afterWarmUp(await timeEach(variants(questions, queries, "s"), (query) => rag.search({ query })));
  if (searchOnly) {
    console.log(JSON.stringify({ loadSeconds: round(loadSeconds, 2), searchMs: summarize(searchKept), searchTimes: searchKept }));
    return rag.close();
  }
  const ask = summarize(afterWarmUp(await timeEach(variants(questions, queries, "a"), (question) => rag.ask({ question }))));
  const stagesMs = await measureStages(rag, variants(questions, queries, "t"));
  const rss = process.memoryUsage().rss;
  const { retrieval } = rag.internals();
  const lexicalFidelity = measureLexicalFidelity(retrieval.index, retrieval.lexical, variants(questions, Math.min(queries, 200), "l"));
  console.log(JSON.stringify({
    loadSeconds: round(loadSeconds, 2),
    rssMB: round(rss / 2 ** 20, 1),
    rssPerChunkKB: round((rss - rssBefore) / loaded.manifest.counts.chunks / 1024, 2),
    searchMs: summarize(searchKept),
    searchTimes: searchKept,
    askMs: ask,
    stagesMs,
    lexicalFidelity,
  }));
  await rag.close();
}

/** Runs one phase of this script in a fresh process and returns the JSON line it prints. */
async function phase(work: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, self, ...args, "--work", work], { maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

type SizeResult = Record<string, unknown> & { chunks: number; searchMs: Summary; searchMsByRound: [Summary, Summary] };

/**
 * Every size is built in its own process; then each is served twice, in fresh
 * processes, in the order small → large → large → small. This machine's speed
 * drifts by tens of percent within minutes, and sizes served minutes apart
 * would otherwise compare the drift as much as the sizes (one run "met" the
 * goal because the 1k corpus was served during a slow spell). Search times of
 * both rounds are pooled per size; each round's own ratio is reported too.
 */
async function measureSizes(sizes: number[], queries: number): Promise<SizeResult[]> {
  const works = await Promise.all(sizes.map((n) => mkdtemp(path.join(os.tmpdir(), `cited-rag-scale-${n}-`))));
  try {
    const builds: Record<string, unknown>[] = [];
    for (const [i, n] of sizes.entries()) {
      process.stderr.write(`scale: building ${n} chunks…\n`);
      builds.push(await phase(works[i]!, "--build", String(n)));
    }
    type Served = Record<string, unknown> & { searchTimes: number[]; searchMs: Summary; loadSeconds: number };
    const firstRound: Served[] = [];
    const secondRound: Served[] = [];
    for (const i of sizes.keys()) {
      process.stderr.write(`scale: serving ${sizes[i]} chunks (round 1)…\n`);
      firstRound[i] = (await phase(works[i]!, "--serve", "--queries", String(queries))) as Served;
    }
    for (const i of [...sizes.keys()].reverse()) {
      process.stderr.write(`scale: serving ${sizes[i]} chunks (round 2)…\n`);
      secondRound[i] = (await phase(works[i]!, "--serve", "--queries", String(queries), "--search-only")) as Served;
    }
    return sizes.map((_, i) => {
      const { searchTimes, ...full } = firstRound[i]!;
      const second = secondRound[i]!;
      return {
        ...builds[i],
        ...full,
        searchMs: summarize([...searchTimes, ...second.searchTimes]),
        searchMsByRound: [full.searchMs, second.searchMs],
        loadSecondsSecondRound: second.loadSeconds,
      } as unknown as SizeResult;
    });
  } finally {
    await Promise.all(works.map((work) => rm(work, { recursive: true, force: true })));
  }
}

const work = option("--work");
const queries = Number(option("--queries") ?? 500);
if (work && option("--build")) {
  await buildPhase(work, Number(option("--build")));
} else if (work && args.includes("--serve")) {
  await servePhase(work, queries, args.includes("--search-only"));
} else {
  const sizes = (option("--sizes") ?? "1000,10000,100000").split(",").map(Number);
  const outDir = path.resolve(option("--out") ?? path.join(repoRoot, "bench", "results"));
  const results = await measureSizes(sizes, queries);
  for (const result of results) process.stderr.write(JSON.stringify(result) + "\n");
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const ratio = round(last.searchMs.p95 / first.searchMs.p95, 2);
  // Met only if the pooled ratio and each round's own ratio are: pooling must not flatter it.
  const byRound = [0, 1].map((r) => round(last.searchMsByRound[r]!.p95 / first.searchMsByRound[r]!.p95, 2));
  const report = {
    measuredAt: new Date().toISOString(),
    embedder: "bench/hashing-embedder (stand-in; see scripts/bench/hashingEmbedder.ts)",
    sizes: results,
    goal: { goal: `search p95 at ${last.chunks} chunks ≤ 2× at ${first.chunks}`, value: ratio, byRound, target: 2, met: [ratio, ...byRound].every((x) => x <= 2) },
  };
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, "scale.json");
  await writeFile(file, JSON.stringify(report, null, 2) + "\n");
  process.stderr.write(`wrote ${file}\n${report.goal.met ? "met" : "NOT MET"} ${report.goal.goal}: ${ratio} pooled, ${byRound.join(" and ")} by round\n`);
}
