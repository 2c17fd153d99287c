import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/**
 * A real Postgres (PGlite, with pgvector) speaking the wire protocol on a
 * loopback port, for tests and benchmarks: the `pg` driver, pools and other
 * processes connect to `url` as they would to a managed Postgres.
 */
export interface PostgresForTests {
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Most connections at once (pools and replicas); PGlite serves them one query at a time. */
  maxConnections?: number;
  /** Keep the database in this folder (default: in memory, gone when stopped). */
  dataDir?: string;
  /** Loopback port to listen on (default: any free one). */
  port?: number;
}

export async function startPostgres({ maxConnections = 32, dataDir, port = 0 }: StartPostgresOptions = {}): Promise<PostgresForTests> {
  const db = await PGlite.create({ ...(dataDir && { dataDir }), extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections });
  // Before the first connection: every connection's handler takes the server's queue when it is made.
  (server as unknown as { queryQueue: OneSessionQueue }).queryQueue = new OneSessionQueue(db);
  await server.start();
  const [host, bound] = server.getServerConn().split(":");
  return {
    url: `postgres://postgres:postgres@${host}:${bound}/postgres`,
    db,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

const READY_FOR_QUERY = 0x5a;
const IDLE = 0x49;

/**
 * PGlite is one Postgres session, which every connection shares. The socket
 * server's own queue interleaves connections message by message: an extended
 * query (Parse, Bind, Execute, Sync) of one connection can be cut by another's,
 * which then binds the wrong statement ("bind message supplies N parameters")
 * or wedges the server. This queue gives the session to one connection from
 * its first message until Postgres reports it idle again (ReadyForQuery with
 * status 'I'), so each connection's queries and transactions run whole.
 */
class OneSessionQueue {
  private queue: Queued[] = [];
  private owner: number | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A connection that goes away holding the session gives it back, its open transaction rolled back. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (index === -1 || this.queue.length === 0) return;
        const [next] = this.queue.splice(index, 1);
        this.owner = next!.handlerId;
        let bytes = 0;
        let tail: Uint8Array = new Uint8Array(0);
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(next!.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                tail = data.length >= 6 ? data.subarray(data.length - 6) : Uint8Array.from([...tail, ...data].slice(-6));
                next!.onData(data);
              },
            }),
          );
        } catch (error) {
          this.owner = null;
          next!.reject(error);
          continue;
        }
        const idle = tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[4] === 5 && tail[5] === IDLE;
        if (idle) this.owner = null;
        next!.resolve(bytes);
      }
    } finally {
      this.running = false;
    }
  }
}
