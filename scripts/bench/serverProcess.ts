// Runs the real service (the compiled `dist/cli/serve.js`) as a child process for
// benchmarks, so that what is measured includes module loading, index loading and model
// start-up exactly as `npm start` does them, and no benchmark code shares the server's event loop.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { percentile } from "../eval/percentile.js";
import type { RuntimeInfo, RuntimeName } from "./runtimes.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * How the server is started: the compiled entry point directly, through `npm start` as a user
 * would, or one of the systems the goals compare against, each in its own process:
 * - "embedOnly": the service's own embedding behind a bare node:http server (`embedServer.ts`);
 * - "runtime": a bare embedding server on one transformers.js runtime, chosen by the env
 *   BENCH_RUNTIME=v2|v3|v4 (`runtimeServer.ts`; see `startRuntimeServer`);
 * - "langchainPeer": LangChain's own HuggingFaceTransformersEmbeddings + HNSWLib behind Express
 *   (`langchainPeerServer.ts`), on transformers.js 3 through a resolve hook preloaded in that process only.
 */
export type StartCommand = "node" | "npm" | "embedOnly" | "runtime" | "langchainPeer";

const COMMANDS: Record<StartCommand, { file: string; args: string[] }> = {
  node: { file: process.execPath, args: ["dist/cli/serve.js"] },
  // npm itself, the up-to-date check of the build (prestart) and then the same entry point.
  npm: { file: "npm", args: ["start", "--silent"] },
  embedOnly: { file: process.execPath, args: ["--import", "tsx", "scripts/bench/embedServer.ts"] },
  runtime: { file: process.execPath, args: ["--import", "tsx", "scripts/bench/runtimeServer.ts"] },
  langchainPeer: {
    file: process.execPath,
    args: ["--import", "tsx", "--import", "./scripts/bench/useTransformersV3.ts", "scripts/bench/langchainPeerServer.ts"],
  },
};

let built: Promise<unknown> | undefined;
/** `npm run build` once per process: the benchmarks must run the current sources. */
export function buildServer(): Promise<unknown> {
  return (built ??= promisify(execFile)("npm", ["run", "build", "--silent"], { cwd: repoRoot }));
}

export interface StartServerOptions {
  /** Added to (and overriding) the parent's environment; PORT and HOST are set from `port`/`host`. */
  env?: Record<string, string>;
  /** 0 or absent: a free port is picked before spawning. */
  port?: number;
  host?: string;
  /** How long to wait for `/readyz` to answer 200. Default 120 s; a first start that must build the index needs minutes. */
  readyTimeoutMs?: number;
  /** Time between `/readyz` polls. Default 10 ms, which bounds the error of `readyMs`. */
  pollIntervalMs?: number;
  /** Default "node". */
  command?: StartCommand;
}

export interface RunningServer {
  url: string;
  pid: number;
  /** Epoch milliseconds (performance.timeOrigin + now) just before the spawn. */
  startedAt: number;
  /** Spawn → first `/readyz` 200, in milliseconds: the cold-start measure. */
  readyMs: number;
  /** The last part of the child's stdout and stderr, interleaved. */
  output(): string;
  /** SIGTERM to the process group, SIGKILL if it is still alive after 5 s. Safe to call twice. */
  stop(): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 64 * 1024;
const STOP_GRACE_MS = 5_000;

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ? options.port : await freePort(host);
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const pollIntervalMs = options.pollIntervalMs ?? 10;
  const url = `http://${host}:${port}`;

  let tail = "";
  const record = (chunk: Buffer) => {
    tail += chunk.toString("utf8");
    if (tail.length > OUTPUT_TAIL_CHARS) tail = tail.slice(-OUTPUT_TAIL_CHARS);
  };

  await buildServer();
  const { file, args } = COMMANDS[options.command ?? "node"];
  const startedNow = performance.now();
  // detached makes the child a process-group leader so stop() can signal everything it spawned.
  const child = spawn(file, args, {
    cwd: repoRoot,
    // A load generator is one client: the per-client rate limit would measure itself.
    env: { RATE_LIMIT_PER_MINUTE: "0", ...process.env, ...options.env, PORT: String(port), HOST: host },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const startedAt = performance.timeOrigin + startedNow;
  // Reading both pipes continuously also keeps a chatty child from blocking on a full pipe.
  child.stdout?.on("data", record);
  child.stderr?.on("data", record);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((info) => (exitInfo = info));
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  // A benchmark that crashes or is interrupted must not leave a server holding the port.
  const killOnExit = () => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exitInfo) {
        killGroup(child, "SIGTERM");
        const timer = sleep(STOP_GRACE_MS).then(() => "timeout" as const);
        if ((await Promise.race([exited, timer])) === "timeout") {
          killGroup(child, "SIGKILL");
          await exited;
        }
      }
      process.removeListener("exit", killOnExit);
    })();
    return stopping;
  };

  const failure = (reason: string) =>
    new Error(`${reason}\n--- server output (last ${OUTPUT_TAIL_CHARS / 1024} KiB) ---\n${tail.trimEnd()}\n---`);

  try {
    const deadline = startedNow + readyTimeoutMs;
    for (;;) {
      if (spawnError) throw failure(`Could not start the server: ${spawnError.message}`);
      if (exitInfo) throw failure(`The server exited before it was ready (code ${exitInfo.code}, signal ${exitInfo.signal}).`);
      const pollStart = performance.now();
      if (await isReady(url)) {
        return { url, pid: child.pid ?? -1, startedAt, readyMs: performance.now() - startedNow, output: () => tail, stop };
      }
      if (performance.now() > deadline) throw failure(`The server at ${url} was not ready within ${readyTimeoutMs} ms.`);
      const wait = pollIntervalMs - (performance.now() - pollStart);
      if (wait > 0) await sleep(wait);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The bare embedding server on one transformers.js runtime (`runtimeServer.ts`). */
export function startRuntimeServer(runtime: RuntimeName, options: Omit<StartServerOptions, "command"> = {}): Promise<RunningServer> {
  return startServer({ ...options, command: "runtime", env: { ...options.env, BENCH_RUNTIME: runtime } });
}

/** What a runtime server or the LangChain peer says it loaded (GET /runtime). */
export async function runtimeInfo(server: RunningServer): Promise<RuntimeInfo> {
  const response = await fetch(`${server.url}/runtime`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${server.url}/runtime answered ${response.status}.`);
  return (await response.json()) as RuntimeInfo;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    // Drain the body so the keep-alive socket goes back to the pool instead of lingering.
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    // Refused while the child is still loading modules, before it listens.
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Binds port 0 to let the OS choose; another process could take it before the server binds, which is rare enough here. */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("Could not find a free port."))));
    });
  });
}

export interface ColdStartResult {
  /** readyMs of each start, in order. */
  runs: number[];
  p50: number;
  max: number;
}

/** Starts and stops the server `runs` times, one after another, and summarises spawn → ready. */
export async function measureColdStart(runs: number, options: Pick<StartServerOptions, "env" | "readyTimeoutMs" | "command"> = {}): Promise<ColdStartResult> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, got ${runs}.`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const server = await startServer(options);
    times.push(server.readyMs);
    await server.stop();
  }
  return { runs: times, p50: percentile(times, 0.5), max: Math.max(...times) };
}
