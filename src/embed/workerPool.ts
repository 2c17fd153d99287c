import { RagError } from "../errors.js";
import type { Embedder } from "./embedder.js";
import type { LocalModelOptions } from "./localEmbeddings.js";
import { WorkerEmbedder } from "./workerEmbedder.js";

/**
 * Several embedding workers behind one `Embedder`; each request goes to the
 * worker with the fewest pending. One query's forward pass cannot use a second
 * core here, two queries in two workers can. Every worker answers one request
 * at a time with the same model, so a text's vector does not depend on which
 * worker embeds it or on other traffic.
 *
 * `start` resolves as soon as the first worker is ready, so a pool starts as
 * fast as one worker; the others join as they finish loading.
 */
export class WorkerPool implements Embedder {
  readonly specificationVersion = "v1" as const;
  private readonly workers: WorkerEmbedder[];
  private closed = false;

  private constructor(
    first: WorkerEmbedder,
    private readonly starting: Promise<WorkerEmbedder | undefined>[],
  ) {
    this.workers = [first];
    for (const worker of starting) {
      void worker.then((w) => {
        if (!w) return;
        if (this.closed) void w.close();
        else this.workers.push(w);
      });
    }
  }

  static async start(options: LocalModelOptions, size: number): Promise<WorkerPool> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`A pool needs at least one worker, got ${size}.`);
    const starts = Array.from({ length: size }, () => WorkerEmbedder.start(options));
    const first = await Promise.any(starts).catch(() => starts[0]!); // all failed: report the first one's error
    // A worker that fails after another loaded the same model is left out;
    // the pool keeps serving with those that did load.
    const others = starts.map((start) => start.then((w) => (w === first ? undefined : w)).catch(() => undefined));
    return new WorkerPool(first, others);
  }

  get modelId(): string {
    return this.workers[0]!.modelId;
  }

  get dimensions(): number {
    return this.workers[0]!.dimensions;
  }

  /** Workers ready to take requests. */
  get size(): number {
    return this.workers.filter((w) => w.alive).length;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new RagError("embedding_failed", "The embedding workers have been stopped."));
    const live = this.workers.filter((w) => w.alive);
    if (live.length === 0) return this.workers[0]!.embed(texts); // rejects with the worker's own failure
    let best = live[0]!;
    for (const worker of live) if (worker.pendingCount < best.pendingCount) best = worker;
    return best.embed(texts);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.map((w) => w.close()), ...this.starting.map(async (s) => (await s)?.close())]);
  }
}
