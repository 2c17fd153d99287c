// npm run soak [-- --seconds 60 --connections 32]
//
// The soak of issue 19: the real service (compiled, its own process) under
// closed-loop load on /v1/ask for the given time, every request a distinct
// question; reports requests, errors, p50/p99 and the server's RSS before and
// after (growth). Exits 1 on any error. `npm test` runs a short version
// (test/bench/soak.test.ts); the full one's result is in docs/OPERATIONS.md.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { readQuestions, DEFAULT_DEV_SET } from "../eval/questions.js";
import { buildServer, startServer } from "./serverProcess.js";
import { runThroughput } from "./throughput.js";

export interface SoakResult {
  seconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  non2xx: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  firstFailure?: string;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

export async function soak(seconds: number, connections: number, env: Record<string, string> = {}): Promise<SoakResult> {
  await buildServer();
  const server = await startServer({ env });
  try {
    const queries = (await readQuestions(DEFAULT_DEV_SET)).map((q) => q.question);
    // A short warm-up, so the RSS growth measured is the steady state's, not the first requests' compilation.
    await runThroughput({ url: server.url, path: "/v1/ask", connections: [connections], durationSeconds: 2, queries });
    const rssBeforeMb = await rssMb(server.pid);
    const [run] = await runThroughput({ url: server.url, path: "/v1/ask", connections: [connections], durationSeconds: seconds, queries });
    const rssAfterMb = await rssMb(server.pid);
    return {
      seconds,
      connections,
      requests: run!.requests,
      requestsPerSecond: run!.requestsPerSecond,
      errors: run!.errors,
      non2xx: run!.non2xx,
      latencyP50Ms: run!.latencyP50Ms,
      latencyP99Ms: run!.latencyP99Ms,
      rssBeforeMb,
      rssAfterMb,
      ...(run!.firstFailure !== undefined && { firstFailure: run!.firstFailure }),
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const result = await soak(option("--seconds", 60), option("--connections", 32));
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `soak: ${result.requests} requests in ${result.seconds} s at ${result.connections} connections (${result.requestsPerSecond.toFixed(1)}/s), ` +
      `${result.errors + result.non2xx} errors, p50 ${result.latencyP50Ms.toFixed(1)} ms, p99 ${result.latencyP99Ms.toFixed(1)} ms, ` +
      `RSS ${result.rssBeforeMb} → ${result.rssAfterMb} MB (${result.rssAfterMb - result.rssBeforeMb >= 0 ? "+" : ""}${result.rssAfterMb - result.rssBeforeMb} MB)`,
  );
  if (result.errors + result.non2xx > 0) process.exitCode = 1;
}
