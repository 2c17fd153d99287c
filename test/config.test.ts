import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config.js";
import { RagError } from "../src/errors.js";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** Runs `fn`, expecting a RagError, and returns it. */
function catchRagError(fn: () => unknown): RagError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RagError);
    return error as RagError;
  }
  return expect.fail("expected a RagError to be thrown");
}

describe("resolveConfig", () => {
  it("uses the documented defaults when neither options nor environment set anything", () => {
    expect(resolveConfig({}, {})).toEqual({
      corpusDir: path.join(projectRoot, "corpus"),
      indexDir: path.join(projectRoot, "index"),
      modelsDir: path.join(projectRoot, "models"),
      modelId: "Xenova/all-MiniLM-L6-v2",
      quantized: true,
      chunkMaxChars: 600,
      chunkOverlapChars: 200,
      defaultK: 5,
      maxK: 50,
      maxQueryChars: 2000,
      embedInWorker: true,
      embedThreads: 1,
      embedTimeoutMs: 60_000,
      embedBatchSize: 32,
      queryCacheSize: 1000,
      adminToken: "",
      maxUploadBytes: 20 * 1024 * 1024,
      rateLimitPerMinute: 600,
      maxConcurrentRequests: 64,
      requestTimeoutMs: 30_000,
      corsOrigins: "",
      trustProxy: "",
      logQuestions: false,
      shutdownTimeoutMs: 10_000,
      port: 3000,
      host: "127.0.0.1",
      store: "hnsw",
      databaseUrl: "",
      databasePoolSize: 10,
      storePollMs: 2000,
      hnswM: 16,
      hnswEfConstruction: 200,
      hnswEfSearch: 64,
    });
  });

  it("needs a database for the pgvector store, naming both variables", () => {
    expect(() => resolveConfig({}, { STORE: "pgvector" })).toThrow(/store pgvector \(env STORE\) needs databaseUrl \(env DATABASE_URL\)/);
    expect(() => resolveConfig({}, { STORE: "postgres" })).toThrow(/STORE="postgres" is not hnsw or pgvector/);
    expect(resolveConfig({}, { STORE: "pgvector", DATABASE_URL: "postgres://db/rag", HNSW_EF_SEARCH: "200" })).toMatchObject({
      store: "pgvector",
      databaseUrl: "postgres://db/rag",
      hnswEfSearch: 200,
    });
  });

  it("treats an empty environment variable as unset", () => {
    expect(resolveConfig({}, { PORT: "", MODEL_QUANTIZED: "" })).toMatchObject({ port: 3000, quantized: true });
  });

  it("prefers the environment over the default", () => {
    const config = resolveConfig(
      {},
      {
        PORT: "8080",
        HOST: " 0.0.0.0 ",
        MODEL_ID: "Xenova/bge-small-en-v1.5",
        MODEL_QUANTIZED: "false",
        CHUNK_MAX_CHARS: "800",
        CHUNK_OVERLAP_CHARS: "0",
        DEFAULT_K: "3",
        MAX_K: "10",
        MAX_QUERY_CHARS: "500",
        CORPUS_DIR: "/data/corpus",
        INDEX_DIR: "relative/index",
      },
    );
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      modelId: "Xenova/bge-small-en-v1.5",
      quantized: false,
      chunkMaxChars: 800,
      chunkOverlapChars: 0,
      defaultK: 3,
      maxK: 10,
      maxQueryChars: 500,
      corpusDir: "/data/corpus",
      indexDir: path.resolve("relative/index"),
    });
  });

  it("prefers an explicit option over the environment", () => {
    const env = { PORT: "8080", HOST: "0.0.0.0", MODEL_QUANTIZED: "false", CHUNK_MAX_CHARS: "800", CORPUS_DIR: "/env/corpus" };
    const config = resolveConfig({ port: 9090, host: "localhost", quantized: true, chunkMaxChars: 1200, corpusDir: "/opt/corpus" }, env);
    expect(config).toMatchObject({ port: 9090, host: "localhost", quantized: true, chunkMaxChars: 1200, corpusDir: "/opt/corpus" });
  });

  it.each(["1", "true", "YES", " on "])("reads MODEL_QUANTIZED=%j as true", (raw) => {
    expect(resolveConfig({ quantized: undefined }, { MODEL_QUANTIZED: raw }).quantized).toBe(true);
  });

  it.each(["0", "false", "No", "off"])("reads MODEL_QUANTIZED=%j as false", (raw) => {
    expect(resolveConfig({}, { MODEL_QUANTIZED: raw }).quantized).toBe(false);
  });

  it.each([
    ["PORT", "abc", "port"],
    ["PORT", "70000", "port"],
    ["PORT", "-1", "port"],
    ["MODEL_QUANTIZED", "maybe", "quantized"],
    ["CHUNK_MAX_CHARS", "5", "chunkMaxChars"],
    ["CHUNK_MAX_CHARS", "600.5", "chunkMaxChars"],
    ["DEFAULT_K", "0", "defaultK"],
  ])("rejects %s=%j naming the setting and the variable", (variable, raw, setting) => {
    const error = catchRagError(() => resolveConfig({}, { [variable]: raw }));
    expect(error.code).toBe("config_invalid");
    expect(error.message).toContain(setting);
    expect(error.message).toContain(variable);
    expect(error.message).toContain(JSON.stringify(raw));
  });

  it("rejects an overlap as large as the chunk size, from options or environment", () => {
    for (const [options, env] of [
      [{ chunkMaxChars: 300, chunkOverlapChars: 300 }, {}],
      [{ chunkMaxChars: 300, chunkOverlapChars: 400 }, {}],
      [{}, { CHUNK_OVERLAP_CHARS: "600" }],
      [{}, { CHUNK_MAX_CHARS: "150" }],
    ] as const) {
      const error = catchRagError(() => resolveConfig(options, env));
      expect(error.code).toBe("config_invalid");
      expect(error.message).toContain("chunkOverlapChars");
      expect(error.message).toContain("CHUNK_MAX_CHARS");
    }
    expect(resolveConfig({ chunkMaxChars: 300, chunkOverlapChars: 299 }, {}).chunkOverlapChars).toBe(299);
  });

  it("rejects a default k above the maximum", () => {
    const error = catchRagError(() => resolveConfig({}, { DEFAULT_K: "20", MAX_K: "10" }));
    expect(error.code).toBe("config_invalid");
    expect(error.message).toMatch(/defaultK.*DEFAULT_K.*maxK.*MAX_K/);
  });
});
