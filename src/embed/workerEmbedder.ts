import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ERROR_STATUS, RagError, type ErrorCode } from "../errors.js";
import type { Embedder } from "./embedder.js";
import type { LocalModelOptions } from "./localEmbeddings.js";
import type { WorkerReply, WorkerError, WorkerRequest } from "./workerProtocol.js";

const WORKER_MODULE = fileURLToPath(new URL(`./embedWorker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));
// Run from TypeScript sources (tsx, vitest), the worker must load tsx itself;
// nor should it inherit the parent's flags (an inspector port, a test runner's).
const EXEC_ARGV = WORKER_MODULE.endsWith(".ts") ? ["--import", "tsx"] : [];

// A worker that dies this often is failing for a reason a new one will not cure
// (a model too large for memory, an input that crashes the runtime): each
// replacement loads the model again, about a second of a core, so restarting it
// for ever would only burn CPU and flood the log while no request succeeds.
const MAX_DEATHS = 3;
const DEATH_WINDOW_MS = 60_000;

export interface WorkerSupervision {
  /** Hears each death of the worker and whether it is replaced; `console.error` by default. */
  log?: (message: string) => void;
  /** More deaths than this within `deathWindowMs` and no new worker is started (tests lower them). */
  maxDeaths?: number;
  deathWindowMs?: number;
  /** A call not answered within this many ms is taken as a hung worker: it is killed and replaced, the call fails. */
  callTimeoutMs?: number;
}

const toError = (error: WorkerError) =>
  new RagError(error.code in ERROR_STATUS ? (error.code as ErrorCode) : "embedding_failed", error.message);

const exitCause = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `exit code ${code}`);

/** Whether the worker keeps this process alive: only while requests are pending. */
function hold(worker: ChildProcess, held: boolean): void {
  if (held) {
    worker.ref();
    worker.channel?.ref();
  } else {
    worker.unref();
    worker.channel?.unref();
  }
}

/** Kills the worker (it ignores gentler signals, see embedWorker.ts) and waits until it is gone. */
function stop(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  hold(worker, true); // or the process may end before it hears the exit, its awaits unsettled
  return new Promise((resolve) => {
    worker.once("exit", () => resolve());
    worker.kill("SIGKILL");
  });
}

/** A new worker, and its model once loaded: a `RagError` the worker reported, or a plain `Error` if it died first. */
function launch(options: LocalModelOptions): { worker: ChildProcess; ready: Promise<{ modelId: string; dimensions: number }> } {
  // The worker's stdout goes to stderr: under `npm run mcp` stdout is the protocol channel.
  const worker = fork(WORKER_MODULE, [JSON.stringify(options)], { execArgv: EXEC_ARGV, serialization: "advanced", stdio: ["ignore", 2, 2, "ipc"] });
  const ready = new Promise<{ modelId: string; dimensions: number }>((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.type === "ready") {
        worker.off("message", onMessage).off("error", reject).off("exit", onExit);
        resolve(reply);
      } else if (reply.type === "failed") {
        worker.kill("SIGKILL");
        reject(toError(reply.error));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => reject(new Error(exitCause(code, signal)));
    worker.on("message", onMessage).on("error", reject).on("exit", onExit);
  });
  return { worker, ready };
}

/**
 * The local model in a worker process, so inference never blocks the event
 * loop: `/healthz` answers and other requests are parsed while a batch runs.
 * A worker that dies is replaced at once, unless workers keep dying.
 *
 * A process, not a worker thread: a native crash or the kernel's out-of-memory
 * kill of a process ends only the worker, where in a thread it ends the
 * service. (onnxruntime-node 1.14, the runtime of transformers.js 2, could not
 * even load its binding again in a process once the thread that loaded it had
 * exited.)
 */
export class WorkerEmbedder implements Embedder {
  readonly specificationVersion = "v1" as const;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  /** The worker that serves requests: none while a replacement starts, nor once stopped for good. */
  private worker: ChildProcess | undefined;
  /** The worker being started after a death; `embed()` calls made meanwhile wait for it. */
  private replacement: { worker: ChildProcess; serving: Promise<void> } | undefined;
  /** Set once no worker will serve again: `close()`, or too many deaths. */
  private failure: RagError | undefined;
  private deaths: number[] = [];

  private constructor(
    private readonly options: LocalModelOptions,
    private readonly supervision: WorkerSupervision,
    worker: ChildProcess,
    readonly modelId: string,
    readonly dimensions: number,
  ) {
    this.serve(worker);
  }

  /** Starts the worker and waits until its model is loaded; a missing model rejects with `model_not_found`. */
  static async start(options: LocalModelOptions, supervision: WorkerSupervision = {}): Promise<WorkerEmbedder> {
    const { worker, ready } = launch(options);
    try {
      const { modelId, dimensions } = await ready;
      return new WorkerEmbedder(options, supervision, worker, modelId, dimensions);
    } catch (error) {
      throw error instanceof RagError ? error : new RagError("embedding_failed", `The embedding worker failed to start: ${(error as Error).message}`);
    }
  }

  /** Whether a live worker serves requests: false while a dead one is replaced, and for good once they died too often or `close()` ran. */
  isReady(): boolean {
    return this.worker !== undefined;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.failure) throw this.failure;
    if (texts.length === 0) return [];
    while (!this.worker) {
      if (this.failure) throw this.failure;
      await this.replacement!.serving;
    }
    const worker = this.worker;
    const id = this.nextId++;
    if (this.pending.size === 0) hold(worker, true);
    return new Promise((resolve, reject) => {
      const request: WorkerRequest = { id, texts };
      const timeoutMs = this.supervision.callTimeoutMs;
      // A worker stuck in native code never answers nor exits: past the bound it is killed and replaced.
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              if (!this.pending.has(id) || worker !== this.worker) return;
              this.worker = undefined;
              worker.kill("SIGKILL");
              this.died(`did not answer within ${timeoutMs} ms (EMBED_TIMEOUT_MS)`);
            }, timeoutMs);
      timer?.unref();
      const settle = () => timer !== undefined && clearTimeout(timer);
      this.pending.set(id, { resolve: (v) => (settle(), resolve(v)), reject: (e) => (settle(), reject(e)) });
      worker.send(request);
    });
  }

  /** Stops the worker, or the one starting; pending and waiting calls reject with `embedding_failed`. */
  async close(): Promise<void> {
    this.failure ??= new RagError("embedding_failed", "The embedding worker was closed.");
    const workers = [this.worker, this.replacement?.worker];
    this.worker = undefined; // so its exit is not taken for a death
    this.rejectPending(this.failure);
    await Promise.all(workers.map((worker) => worker && stop(worker)));
  }

  /**
   * For fault tests only: kills the serving worker as the kernel's out-of-memory
   * killer would (SIGKILL), not through `close()`, so it is handled as a death:
   * logged and replaced. Resolves once that has begun; does nothing while no worker serves.
   */
  async killWorkerForTesting(): Promise<void> {
    if (this.worker) await stop(this.worker);
  }

  private serve(worker: ChildProcess): void {
    this.worker = worker;
    worker.on("message", (reply: WorkerReply) => {
      if (reply.type !== "vectors" && reply.type !== "error") return;
      const request = this.pending.get(reply.id);
      if (!request) return;
      this.settled(reply.id);
      if (reply.type === "vectors") request.resolve(reply.vectors);
      else request.reject(toError(reply.error));
    });
    // Only the first of an 'error' (a failed send or kill) and the 'exit' is the death;
    // after an 'error' the process may live on, so it is killed.
    const stopped = (cause: string) => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      worker.kill("SIGKILL");
      this.died(`died (${cause})`);
    };
    worker.on("error", (error) => stopped(error.message));
    worker.on("exit", (code, signal) => stopped(exitCause(code, signal)));
    hold(worker, false);
  }

  /** A serving worker died or a replacement failed to start: fails what was in flight, then replaces the worker unless they die too often. */
  private died(what: string): void {
    this.replacement = undefined;
    const now = performance.now();
    const windowMs = this.supervision.deathWindowMs ?? DEATH_WINDOW_MS;
    this.deaths = [...this.deaths.filter((t) => now - t < windowMs), now];
    const givingUp = this.deaths.length > (this.supervision.maxDeaths ?? MAX_DEATHS);
    const within = `${this.deaths.length} deaths within ${windowMs / 1000} s`;
    (this.supervision.log ?? console.error)(
      `embedding worker ${what}; ` + (givingUp ? `${within}, so no new one is started and embedding fails until the process restarts` : "starting a new one"),
    );
    if (givingUp) {
      this.failure = new RagError("embedding_failed", `The embedding worker ${what}, ${within}; it is no longer replaced, so the service must be restarted.`);
      this.rejectPending(this.failure);
      return;
    }
    this.rejectPending(new RagError("embedding_failed", `The embedding worker ${what}; a new one is starting, retry shortly.`));
    const { worker, ready } = launch(this.options);
    const serving = ready.then(
      () => {
        if (this.failure) throw this.failure; // closed while it started
        this.replacement = undefined;
        this.serve(worker);
      },
      (error: Error) => {
        if (this.failure) throw this.failure;
        this.died(`replacement failed to start (${error.message})`);
        throw new RagError("embedding_failed", `The embedding worker died and its replacement failed to start: ${error.message}`);
      },
    );
    serving.catch(() => undefined); // handled above; the calls waiting on it, if any, hear it
    this.replacement = { worker, serving };
  }

  private rejectPending(error: Error): void {
    for (const [id, request] of this.pending) {
      this.settled(id);
      request.reject(error);
    }
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0 && this.worker) hold(this.worker, false);
  }
}
