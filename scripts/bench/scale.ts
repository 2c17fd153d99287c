// npm run bench:scale [-- --sizes 1000,10000,100000] [--out DIR]
// Synthetic corpora of growing size (reproducible seed), each measured in its
// own process: build time, index size on disk, RSS, search and ask latency.
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
import { round, summarize, timeEach, variants } from "./stats.js";
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

/** One size, in this process: prints one JSON line. */
async function measureSize(chunks: number, queries: number): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), `cited-rag-scale-${chunks}-`));
  try {
    const corpusDir = path.join(work, "corpus");
    await writeSyntheticCorpus(corpusDir, { targetChunks: chunks, seed: 1 });
    const rssBefore = process.memoryUsage().rss;
    const rag = createRag({ corpusDir, indexDir: path.join(work, "index"), embedder: hashingEmbedder(), queryCacheSize: 0 });
    let started = performance.now();
    const built = await rag.load();
    const buildSeconds = (performance.now() - started) / 1000;
    // A second instance loads the build just written: the start-up cost with a built index.
    const reloaded = createRag({ corpusDir, indexDir: path.join(work, "index"), embedder: hashingEmbedder(), queryCacheSize: 0 });
    started = performance.now();
    await reloaded.load();
    const loadSeconds = (performance.now() - started) / 1000;
    await reloaded.close();
    const rss = process.memoryUsage().rss;
    const questions = (await readQuestions()).map((q) => q.question);
    // The first calls warm the JIT and caches; they are left out of the summary.
    const time = async (run: (text: string) => Promise<unknown>, tag: string) =>
      summarize((await timeEach(variants(questions, queries, tag), run)).slice(Math.min(10, queries / 10)));
    const search = await time((query) => rag.search({ query }), "s");
    const ask = await time((question) => rag.ask({ question }), "a");
    const stagesMs = await measureStages(rag, variants(questions, queries, "t"));
    const counts = built.manifest.counts;
    console.log(JSON.stringify({
      targetChunks: chunks,
      chunks: counts.chunks,
      sentences: counts.sentences,
      buildSeconds: round(buildSeconds, 2),
      loadSeconds: round(loadSeconds, 2),
      indexBytes: await directoryBytes(built.dir),
      rssMB: round(rss / 2 ** 20, 1),
      rssPerChunkKB: round((rss - rssBefore) / counts.chunks / 1024, 2),
      searchMs: search,
      askMs: ask,
      stagesMs,
    }));
    await rag.close();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const size = option("--size");
if (size) {
  await measureSize(Number(size), Number(option("--queries") ?? 200));
} else {
  const sizes = (option("--sizes") ?? "1000,10000,100000").split(",").map(Number);
  const outDir = path.resolve(option("--out") ?? path.join(repoRoot, "bench", "results"));
  const results = [];
  for (const n of sizes) {
    process.stderr.write(`scale: ${n} chunks…\n`);
    const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, self, "--size", String(n), "--queries", option("--queries") ?? "200"], {
      maxBuffer: 1 << 24,
    });
    const line = stdout.trim().split("\n").pop()!;
    results.push(JSON.parse(line));
    process.stderr.write(line + "\n");
  }
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const ratio = round(last.searchMs.p95 / first.searchMs.p95, 2);
  const report = {
    measuredAt: new Date().toISOString(),
    embedder: "bench/hashing-embedder (stand-in; see scripts/bench/hashingEmbedder.ts)",
    sizes: results,
    goal: { goal: `search p95 at ${last.chunks} chunks ≤ 2× at ${first.chunks}`, value: ratio, target: 2, met: ratio <= 2 },
  };
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, "scale.json");
  await writeFile(file, JSON.stringify(report, null, 2) + "\n");
  process.stderr.write(`wrote ${file}\n${report.goal.met ? "met" : "NOT MET"} ${report.goal.goal}: ${ratio}\n`);
}
