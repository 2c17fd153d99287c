import { fileURLToPath } from "node:url";
import path from "node:path";
import { RagError } from "./errors.js";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every setting of the service. Each resolves as explicit option > environment variable > default. */
export interface RagConfig {
  /** Folder with `manifest.json` and the document texts. env CORPUS_DIR */
  corpusDir: string;
  /** Folder the index builds live in (`store` hnsw). env INDEX_DIR */
  indexDir: string;
  /**
   * Where builds are kept: `hnsw` (files under `indexDir`, searched in-process) or `pgvector`
   * (Postgres at `databaseUrl`, shared by any number of replicas; see docs/SCALING.md). env STORE
   */
  store: "hnsw" | "pgvector";
  /** Postgres connection string for `store` pgvector, e.g. postgres://user:pass@host:5432/db. env DATABASE_URL */
  databaseUrl: string;
  /** Connections a process keeps to Postgres at most (`store` pgvector). env DATABASE_POOL_SIZE */
  databasePoolSize: number;
  /**
   * How often a pgvector replica looks for a newer live build published by another process, in ms; 0 never
   * (then it changes only by its own ingests). env STORE_POLL_MS
   */
  storePollMs: number;
  /** Folder laid out as transformers.js expects (`<modelId>/onnx/...`). env MODELS_DIR */
  modelsDir: string;
  /** env MODEL_ID */
  modelId: string;
  /** int8 `model_quantized.onnx` (true) or fp32 `model.onnx` (false). env MODEL_QUANTIZED */
  quantized: boolean;
  /** HNSW graph degree (`m`), for the in-process graph and pgvector's index alike; a change rebuilds the index. env HNSW_M */
  hnswM: number;
  /** HNSW build beam (`ef_construction`); a change rebuilds the index. env HNSW_EF_CONSTRUCTION */
  hnswEfConstruction: number;
  /**
   * HNSW search beam (`ef_search`; raised to the candidates a query asks for): higher finds more of the true
   * nearest chunks and costs time. A search setting: a change needs no rebuild. env HNSW_EF_SEARCH
   */
  hnswEfSearch: number;
  /** Longest chunk, in characters, cut at sentence boundaries. env CHUNK_MAX_CHARS */
  chunkMaxChars: number;
  /** Most characters two neighbouring chunks share (whole sentences). env CHUNK_OVERLAP_CHARS */
  chunkOverlapChars: number;
  /** Results returned when a request gives no `k`. env DEFAULT_K */
  defaultK: number;
  /** Largest `k` a request may ask for. env MAX_K */
  maxK: number;
  /** Longest query or question accepted, in characters. env MAX_QUERY_CHARS */
  maxQueryChars: number;
  /** Run the model in a worker process so inference never blocks request handling. env EMBED_WORKER */
  embedInWorker: boolean;
  /**
   * onnxruntime threads for a forward pass (a query, an ingest batch); 0 = one per core. More than
   * one sleep between runs rather than spin. `npm run ingest` uses every core unless this is set. env EMBED_THREADS
   */
  embedThreads: number;
  /** Longest one call to the embedding worker may take before the worker is taken as hung, killed and replaced, in ms. env EMBED_TIMEOUT_MS */
  embedTimeoutMs: number;
  /** Texts per forward pass at ingest; onnxruntime keeps memory for the largest batch. env EMBED_BATCH_SIZE */
  embedBatchSize: number;
  /** Query vectors remembered (least recently used dropped first); 0 turns the cache off. env QUERY_CACHE_SIZE */
  queryCacheSize: number;
  /**
   * Bearer token that enables adding and deleting documents over the API
   * (`POST /v1/documents`, `DELETE /v1/documents/:docId`); empty turns them off. env ADMIN_TOKEN
   */
  adminToken: string;
  /** Largest document file accepted by `POST /v1/documents`, in bytes. env MAX_UPLOAD_BYTES */
  maxUploadBytes: number;
  /** Requests per minute one client (by address) may make to the API; 0 turns the limit off. env RATE_LIMIT_PER_MINUTE */
  rateLimitPerMinute: number;
  /** Searches and questions in progress at once; beyond it requests get 503 `overloaded` with Retry-After. env MAX_CONCURRENT_REQUESTS */
  maxConcurrentRequests: number;
  /** Longest a search or a question may take before it gets 503 `timeout`, in ms. env REQUEST_TIMEOUT_MS */
  requestTimeoutMs: number;
  /** Origins allowed to call the API from a browser: empty (none: CORS off), `*`, or a comma-separated list. env CORS_ORIGINS */
  corsOrigins: string;
  /**
   * Express's `trust proxy`: empty (trust none: the client address is the socket's), `true`, a hop count,
   * or addresses/subnets of the proxies. Set it behind a reverse proxy so rate limits see real clients. env TRUST_PROXY
   */
  trustProxy: string;
  /** Log the text of questions and queries (off: only their length is logged). env LOG_QUESTIONS */
  logQuestions: boolean;
  /** How long a stopping server waits for requests in flight before it closes their connections, in ms. env SHUTDOWN_TIMEOUT_MS */
  shutdownTimeoutMs: number;
  /** env PORT */
  port: number;
  /** Interface the server binds. env HOST */
  host: string;
}

// One thread: the model is loaded once, in one session, and a session's thread
// count is fixed. Measured over HTTP on 2 cores, three servers alternating
// (2026-12-02): sequential /v1/search p50 12.6 ms with one thread, 12.3 with
// two spinning threads, 13.5 with two sleeping ones; at 8 connections 171–188
// requests/s with one, 118–125 with two spinning (they take the core that
// HTTP and retrieval need), 159–191 with two sleeping. `npm run ingest`, which
// serves nothing, uses every core.
const DEFAULT_EMBED_THREADS = 1;

/** The HNSW parameters a build gets unless configured otherwise (`m`, `ef_construction`, `ef_search`), for both stores. */
export const HNSW_DEFAULTS = { m: 16, efConstruction: 200, efSearch: 64 } as const;

type Parser<T> = (raw: string) => T | undefined;

const asString: Parser<string> = (raw) => (raw.trim() === "" ? undefined : raw.trim());
const asPath: Parser<string> = (raw) => (raw.trim() === "" ? undefined : path.resolve(raw.trim()));
const asBoolean: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return undefined;
};
const asInteger = (min: number, max: number): Parser<number> => (raw) => {
  if (!/^\s*\d+\s*$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
};

interface Setting<T> {
  env: string;
  parse: Parser<T>;
  expected: string;
  fallback: T;
}

const SETTINGS: { [K in keyof RagConfig]: Setting<RagConfig[K]> } = {
  corpusDir: { env: "CORPUS_DIR", parse: asPath, expected: "a directory path", fallback: path.join(projectRoot, "corpus") },
  indexDir: { env: "INDEX_DIR", parse: asPath, expected: "a directory path", fallback: path.join(projectRoot, "index") },
  store: { env: "STORE", parse: (raw) => (["hnsw", "pgvector"].includes(raw.trim()) ? (raw.trim() as "hnsw" | "pgvector") : undefined), expected: "hnsw or pgvector", fallback: "hnsw" },
  databaseUrl: { env: "DATABASE_URL", parse: asString, expected: "a Postgres connection string", fallback: "" },
  databasePoolSize: { env: "DATABASE_POOL_SIZE", parse: asInteger(1, 1000), expected: "an integer from 1 to 1000", fallback: 10 },
  storePollMs: { env: "STORE_POLL_MS", parse: asInteger(0, 3_600_000), expected: "an integer from 0 to 3600000", fallback: 2000 },
  modelsDir: { env: "MODELS_DIR", parse: asPath, expected: "a directory path", fallback: path.join(projectRoot, "models") },
  modelId: { env: "MODEL_ID", parse: asString, expected: "a model id such as Xenova/all-MiniLM-L6-v2", fallback: "Xenova/all-MiniLM-L6-v2" },
  quantized: { env: "MODEL_QUANTIZED", parse: asBoolean, expected: "true or false", fallback: true },
  hnswM: { env: "HNSW_M", parse: asInteger(2, 100), expected: "an integer from 2 to 100", fallback: HNSW_DEFAULTS.m },
  hnswEfConstruction: { env: "HNSW_EF_CONSTRUCTION", parse: asInteger(4, 2000), expected: "an integer from 4 to 2000", fallback: HNSW_DEFAULTS.efConstruction },
  hnswEfSearch: { env: "HNSW_EF_SEARCH", parse: asInteger(1, 1000), expected: "an integer from 1 to 1000", fallback: HNSW_DEFAULTS.efSearch },
  chunkMaxChars: { env: "CHUNK_MAX_CHARS", parse: asInteger(100, 4000), expected: "an integer from 100 to 4000", fallback: 600 },
  chunkOverlapChars: { env: "CHUNK_OVERLAP_CHARS", parse: asInteger(0, 2000), expected: "an integer from 0 to 2000", fallback: 200 },
  defaultK: { env: "DEFAULT_K", parse: asInteger(1, 50), expected: "an integer from 1 to 50", fallback: 5 },
  maxK: { env: "MAX_K", parse: asInteger(1, 200), expected: "an integer from 1 to 200", fallback: 50 },
  maxQueryChars: { env: "MAX_QUERY_CHARS", parse: asInteger(1, 100_000), expected: "an integer from 1 to 100000", fallback: 2000 },
  embedInWorker: { env: "EMBED_WORKER", parse: asBoolean, expected: "true or false", fallback: true },
  embedThreads: { env: "EMBED_THREADS", parse: asInteger(0, 256), expected: "an integer from 0 to 256", fallback: DEFAULT_EMBED_THREADS },
  embedTimeoutMs: { env: "EMBED_TIMEOUT_MS", parse: asInteger(100, 3_600_000), expected: "an integer from 100 to 3600000", fallback: 60_000 },
  embedBatchSize: { env: "EMBED_BATCH_SIZE", parse: asInteger(1, 1024), expected: "an integer from 1 to 1024", fallback: 32 },
  queryCacheSize: { env: "QUERY_CACHE_SIZE", parse: asInteger(0, 10_000_000), expected: "an integer from 0 to 10000000", fallback: 1000 },
  adminToken: { env: "ADMIN_TOKEN", parse: asString, expected: "a token", fallback: "" },
  maxUploadBytes: { env: "MAX_UPLOAD_BYTES", parse: asInteger(1, 1 << 30), expected: "an integer from 1 to 1073741824", fallback: 20 * 1024 * 1024 },
  rateLimitPerMinute: { env: "RATE_LIMIT_PER_MINUTE", parse: asInteger(0, 1_000_000), expected: "an integer from 0 to 1000000", fallback: 600 },
  maxConcurrentRequests: { env: "MAX_CONCURRENT_REQUESTS", parse: asInteger(1, 100_000), expected: "an integer from 1 to 100000", fallback: 64 },
  requestTimeoutMs: { env: "REQUEST_TIMEOUT_MS", parse: asInteger(100, 600_000), expected: "an integer from 100 to 600000", fallback: 30_000 },
  corsOrigins: { env: "CORS_ORIGINS", parse: asString, expected: "*, or a comma-separated list of origins", fallback: "" },
  trustProxy: { env: "TRUST_PROXY", parse: asString, expected: "true, a hop count, or proxy addresses", fallback: "" },
  logQuestions: { env: "LOG_QUESTIONS", parse: asBoolean, expected: "true or false", fallback: false },
  shutdownTimeoutMs: { env: "SHUTDOWN_TIMEOUT_MS", parse: asInteger(0, 600_000), expected: "an integer from 0 to 600000", fallback: 10_000 },
  port: { env: "PORT", parse: asInteger(0, 65535), expected: "an integer from 0 to 65535", fallback: 3000 },
  host: { env: "HOST", parse: asString, expected: "a host name or address", fallback: "127.0.0.1" },
};

/** Resolves every setting once: explicit option > environment variable > default. */
export function resolveConfig(
  options: Partial<RagConfig> = {},
  env: Record<string, string | undefined> = process.env,
): RagConfig {
  const resolved: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [keyof RagConfig, Setting<unknown>][]) {
    const explicit = options[key];
    if (explicit !== undefined) {
      resolved[key] = explicit;
      continue;
    }
    const raw = env[setting.env];
    if (raw === undefined || raw === "") {
      resolved[key] = setting.fallback;
      continue;
    }
    const parsed = setting.parse(raw);
    if (parsed === undefined) {
      throw new RagError(
        "config_invalid",
        `Setting ${key} from environment variable ${setting.env}=${JSON.stringify(raw)} is not ${setting.expected}.`,
      );
    }
    resolved[key] = parsed;
  }
  const config = resolved as unknown as RagConfig;
  if (config.chunkOverlapChars >= config.chunkMaxChars) {
    throw new RagError(
      "config_invalid",
      `chunkOverlapChars (${config.chunkOverlapChars}, env CHUNK_OVERLAP_CHARS) must be smaller than chunkMaxChars (${config.chunkMaxChars}, env CHUNK_MAX_CHARS).`,
    );
  }
  if (config.store === "pgvector" && !config.databaseUrl) {
    throw new RagError("config_invalid", "store pgvector (env STORE) needs databaseUrl (env DATABASE_URL), a Postgres connection string.");
  }
  if (config.defaultK > config.maxK) {
    throw new RagError("config_invalid", `defaultK (${config.defaultK}, env DEFAULT_K) must not exceed maxK (${config.maxK}, env MAX_K).`);
  }
  return config;
}
