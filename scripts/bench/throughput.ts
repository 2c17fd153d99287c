// Closed-loop load on /v1/search or /v1/ask with autocannon, one run per connection count.
//
// npx tsx scripts/bench/throughput.ts <url> [seconds]
//   runs /v1/search at 1 and 8 connections with the dev questions (eval/dev.jsonl).
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { percentile } from "../eval/percentile.js";
import { DEFAULT_DEV_SET } from "../eval/questions.js";
import { distinctText } from "./stats.js";


export interface ThroughputOptions {
  url: string;
  path: "/v1/search" | "/v1/ask";
  /** One run per entry, in order, e.g. [1, 8, 32]. */
  connections: number[];
  durationSeconds: number;
  queries: string[];
  /** A request without a reply for this long counts as a timeout (and an error). Default 30 s. */
  timeoutSeconds?: number;
}

export interface ThroughputResult {
  connections: number;
  /** Completed requests (any status) per second of the run. */
  requestsPerSecond: number;
  /** Of 2xx replies only, from sub-millisecond samples (autocannon's own histogram rounds to whole ms). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Completed requests, any status. */
  requests: number;
  /** Connection errors and timeouts (autocannon's `errors` includes `timeouts`). */
  errors: number;
  non2xx: number;
  timeouts: number;
  /** The first non-2xx reply or request error, to say why a run failed. */
  firstFailure?: string;
}

// Every request gets a text no other request of this process has sent, so a server-side cache
// keyed on the query cannot answer in place of retrieval. The tag keeps texts distinct across
// processes too, when several runs hit the same long-lived server.
const runTag = randomBytes(3).toString("hex");
let requestCounter = 0;

export function nextQueryText(queries: string[]): string {
  if (queries.length === 0) throw new Error("queries must not be empty.");
  return distinctText(queries, requestCounter++, `variant ${runTag}`);
}

export async function runThroughput(options: ThroughputOptions): Promise<ThroughputResult[]> {
  if (options.queries.length === 0) throw new Error("queries must not be empty.");
  const results: ThroughputResult[] = [];
  for (const connections of options.connections) results.push(await runOnce(options, connections));
  return results;
}

async function runOnce(options: ThroughputOptions, connections: number): Promise<ThroughputResult> {
  const field = options.path === "/v1/ask" ? "question" : "query";
  const latencies: number[] = [];
  let firstFailure: string | undefined;

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: new URL(options.path, options.url).href,
        method: "POST",
        headers: { "content-type": "application/json" },
        connections,
        // Pipelining would queue requests behind one another on a socket and blur per-request latency.
        pipelining: 1,
        duration: options.durationSeconds,
        timeout: options.timeoutSeconds ?? 30,
        requests: [
          {
            // autocannon calls this for every request it sends on every connection (the per-connection
            // request list is a deep copy, but functions are copied by reference, so the counter is shared).
            setupRequest: (request) => ({ ...request, body: JSON.stringify({ [field]: nextQueryText(options.queries) }) }),
            onResponse: (status, body) => {
              if ((status < 200 || status > 299) && firstFailure === undefined) firstFailure = `HTTP ${status}: ${body.slice(0, 500)}`;
            },
          },
        ],
      },
      (error: unknown, res: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(res)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode <= 299) latencies.push(responseTime);
    });
    instance.on("reqError", (error: unknown) => {
      firstFailure ??= `request error: ${error instanceof Error ? error.message : String(error)}`;
    });
  });

  const requests = result.requests.total;
  return {
    connections,
    requestsPerSecond: result.duration > 0 ? requests / result.duration : 0,
    latencyP50Ms: latencies.length ? percentile(latencies, 0.5) : result.latency.p50,
    latencyP99Ms: latencies.length ? percentile(latencies, 0.99) : result.latency.p99,
    requests,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}


export function formatThroughputTable(title: string, results: ThroughputResult[]): string {
  const header = ["connections", "req/s", "p50 ms", "p99 ms", "requests", "errors", "non2xx", "timeouts"];
  const rows = results.map((r) => [
    String(r.connections),
    r.requestsPerSecond.toFixed(1),
    r.latencyP50Ms.toFixed(1),
    r.latencyP99Ms.toFixed(1),
    String(r.requests),
    String(r.errors),
    String(r.non2xx),
    String(r.timeouts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  const failures = results.filter((r) => r.firstFailure).map((r) => `  ${r.connections} connections: ${r.firstFailure}`);
  return [title, line(header), ...rows.map(line), ...failures].join("\n");
}

/** The `question` field of each line of a JSONL file. */
export async function readQuestionTexts(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  const questions: string[] = [];
  for (const [n, raw] of text.split("\n").entries()) {
    if (raw.trim() === "") continue;
    const question = (JSON.parse(raw) as { question?: unknown }).question;
    if (typeof question !== "string" || question.trim() === "") throw new Error(`${file}:${n + 1} has no "question" string.`);
    questions.push(question);
  }
  return questions;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, seconds = "10"] = process.argv.slice(2);
  const durationSeconds = Number(seconds);
  if (!url || !Number.isFinite(durationSeconds) || durationSeconds <= 0) {
    console.error("usage: npx tsx scripts/bench/throughput.ts <url> [seconds]");
    process.exit(2);
  }
  const queries = await readQuestionTexts(DEFAULT_DEV_SET);
  const results = await runThroughput({ url, path: "/v1/search", connections: [1, 8], durationSeconds, queries });
  console.log(formatThroughputTable(`POST /v1/search, ${durationSeconds} s per row, ${queries.length} questions with distinct suffixes`, results));
  if (results.some((r) => r.errors || r.non2xx)) process.exitCode = 1;
}
