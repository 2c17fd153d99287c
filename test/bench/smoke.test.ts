import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SHARED_TEST_INDEX } from "../helpers/server.js";

// The benchmark scripts at tiny sizes, so they cannot rot; their numbers are not judged here.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = (script: string, args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", path.join(repoRoot, script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, INDEX_DIR: SHARED_TEST_INDEX },
    maxBuffer: 1 << 24,
  });

describe("benchmark smoke runs", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("npm run bench -- --smoke measures every part and checks every goal", { timeout: 600_000 }, async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "bench-smoke-"));
    dirs.push(out);
    await run("scripts/bench/run.ts", ["--smoke", "--out", out]);
    const report = JSON.parse(await readFile(path.join(out, "smoke.json"), "utf8"));
    expect(report.limits.queryEmbedMs.p50).toBeGreaterThan(0);
    expect(report.limits.ceiling.embeddingsPerSecond).toBeGreaterThan(0);
    for (const stage of ["embed", "dense", "lexical", "fusionAndRerank", "answer"]) expect(report.stagesMs[stage].n).toBeGreaterThan(0);
    for (const block of ["embedOverHttp", "bareV2", "bareV3", "bareV4", "search", "ask", "peerSearch", "peerAsk", "searchWithModelOnMainThread"]) {
      expect(report.httpMs[block].p50, block).toBeGreaterThan(0);
    }
    // The three transformers.js runtimes, each the version it claims, with its ratios to v2.
    expect(report.runtimes.table.map((row: any) => row.runtime)).toEqual(["v2", "v3", "v4"]);
    expect(report.runtimes.table.map((row: any) => row.package)).toEqual([
      expect.stringMatching(/^@xenova\/transformers@2\./),
      expect.stringMatching(/^@huggingface\/transformers@3\./),
      expect.stringMatching(/^@huggingface\/transformers@4\./),
    ]);
    for (const row of report.runtimes.table) {
      for (const field of ["p50", "p95", "requestsPerSecond", "timeRatioToV2", "throughputRatioToV2"]) expect(row[field], `${row.runtime} ${field}`).toBeGreaterThan(0);
    }
    expect(report.runtimes.table[0]).toMatchObject({ timeRatioToV2: 1, throughputRatioToV2: 1 });
    expect(["v2", "v3", "v4"]).toContain(report.runtimes.reference);
    // The LangChain peer runs on the transformers.js 3 a user of @langchain/community 1.1 gets, not on the project's 4.
    expect(report.langchainPeer.runtime).toMatchObject({ specifier: "@huggingface/transformers", package: expect.stringMatching(/^@huggingface\/transformers@3\./), envVersion: expect.stringMatching(/^3\./) });
    expect(report.langchainPeer.runtime.chunks).toBeGreaterThan(10);
    expect(report.langchainPeer.searchMs.p50).toBeGreaterThan(0);
    expect(report.langchainPeer.requestsPerSecond).toBeGreaterThan(0);
    expect(report.throughput.connections).toBe(8);
    expect(Object.keys(report.throughput.requestsPerSecond).sort()).toEqual(["bareV2", "bareV3", "bareV4", "ours", "peer"]);
    for (const runs of Object.values(report.throughput.runs) as any[][]) expect(runs).toHaveLength(1);
    expect(report.throughput.oursOtherLevels.map((t: any) => t.connections)).toEqual([1]);
    expect(report.throughput.errors).toBe(0);
    expect(report.decomposition.searchOverHttpFloor).toBeGreaterThan(0);
    expect(report.ingest.chunks).toBeGreaterThan(100);
    expect(report.ingestSynthetic.chunks).toBeGreaterThan(20);
    expect(report.ingestSynthetic.ratio).toBeGreaterThan(0);
    expect(report.coldStartMs.node.runs).toHaveLength(1);
    expect(report.coldStartMs.npmStart.runs).toHaveLength(1);
    // The five goals of issue 20, then the earlier ones kept as information.
    expect(report.goals.filter((goal: any) => !goal.informational)).toHaveLength(5);
    expect(report.goals.filter((goal: any) => goal.informational)).toHaveLength(2);
    for (const goal of report.goals) {
      expect(Number.isFinite(goal.value), goal.goal).toBe(true);
      expect(goal).toMatchObject({ target: expect.any(Number), met: expect.any(Boolean) });
    }
  });

  it("npm run bench:scale builds and searches synthetic corpora of growing size with the model", { timeout: 300_000 }, async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "bench-scale-"));
    dirs.push(out);
    await run("scripts/bench/scale.ts", ["--sizes", "100,300", "--queries", "20", "--out", out]);
    const report = JSON.parse(await readFile(path.join(out, "scale.json"), "utf8"));
    expect(report.sizes.map((s: any) => s.chunks)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(report.sizes[1].chunks).toBeGreaterThan(report.sizes[0].chunks * 2);
    for (const size of report.sizes) {
      expect(size.indexBytes).toBeGreaterThan(0);
      expect(size.searchMs.p95).toBeGreaterThan(0);
      // Served twice (small → large → large → small), both rounds pooled.
      expect(size.searchMsByRound).toHaveLength(2);
      expect(size.searchMs.n).toBe(size.searchMsByRound[0].n + size.searchMsByRound[1].n);
      expect(size.loadSeconds).toBeGreaterThan(0);
      expect(size.rssPerChunkKB).toEqual(expect.any(Number));
      expect(size.lexicalFidelity.scoreRecall).toBeGreaterThan(0.9);
      expect(size.vectorRecall.recall).toBeGreaterThan(0.9);
    }
    expect(report.embedder).toMatch(/model/);
    expect(report.memoryPerChunkKB).toEqual(expect.any(Number));
    expect(Number.isFinite(report.goal.value)).toBe(true);
    expect(report.goal.byRound).toEqual([expect.any(Number), expect.any(Number)]);
  });
});
