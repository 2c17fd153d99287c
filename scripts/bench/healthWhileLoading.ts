// npm run bench:stalls -- DIR [--embedder model|hashing] [--http]
// With --http: a real HTTP server over the build in DIR (the service's app, as
// `npm start` runs it, in a process of its own), and /healthz asked back to
// back from its start until /readyz says ready: the longest answer is the
// longest wait a health check saw while the index loaded.
import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import { createRag } from "../../src/rag.js";
import { createApp } from "../../src/server/app.js";
import { hashingEmbedder } from "./hashingEmbedder.js";
import { round, summarize } from "./stats.js";

const self = fileURLToPath(import.meta.url);

/** Child: listens at once, prints its port, then loads, as `npm start` does. */
async function serve(work: string, embedder: string): Promise<void> {
  const rag = createRag({
    corpusDir: path.join(work, "corpus"),
    indexDir: path.join(work, "index"),
    port: 0,
    rateLimitPerMinute: 0,
    ...(embedder === "hashing" ? { embedder: hashingEmbedder() } : {}),
  });
  const server = createApp(rag, () => undefined).listen(0, "127.0.0.1", () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
  await rag.load();
  process.on("SIGTERM", () => process.exit(0));
}

/** Asks /healthz back to back from a server's start until it is ready; returns every answer's time. */
export async function healthWhileLoading(work: string, embedder: string): Promise<{ loadMs: number; healthzMs: ReturnType<typeof summarize> & { max: number; slowest: number[]; over50: number }; answers: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", self, "--serve", work, embedder], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.setEncoding("utf8").once("data", (line: string) => resolve(Number(line.trim())));
      child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const times: number[] = [];
    for (let i = 0; ; i++) {
      const before = performance.now();
      const health = await fetch(`${base}/healthz`);
      await health.arrayBuffer();
      times.push(performance.now() - before);
      if (i % 20 === 0 && (await fetch(`${base}/readyz`)).status === 200) break;
    }
    const slowest = [...times].sort((a, b) => b - a).slice(0, 5).map((t) => round(t, 1));
    return { loadMs: round(performance.now() - started, 0), healthzMs: { ...summarize(times), max: round(Math.max(...times), 1), slowest, over50: times.filter((t) => t > 50).length }, answers: times.length };
  } finally {
    child.kill("SIGTERM");
  }
}

if (process.argv[2] === "--serve") await serve(process.argv[3]!, process.argv[4]!);
