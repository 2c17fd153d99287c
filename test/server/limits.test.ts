import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createApp } from "../../src/server/app.js";
import { createRag, type Rag, type RagOptions } from "../../src/rag.js";
import { SHARED_TEST_INDEX, startService, type RunningService } from "../helpers/server.js";

// Abuse limits, headers and logs of the HTTP adapter, each switched by configuration.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let service: RunningService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

async function listen(rag: Rag, lines?: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const logger = lines ? pino({ base: undefined }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })) : undefined;
  const server: Server = await new Promise((resolve) => {
    const s = createApp(rag, () => {}, logger).listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The loaded core with other settings, its `ask` held until released. */
function heldCore(settings: Partial<Rag["config"]>) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const rag: Rag = {
    ...service.rag,
    config: { ...service.rag.config, ...settings },
    ask: async (body, options) => {
      await held;
      return service.rag.ask(body, options);
    },
  };
  return { rag, release };
}

const ask = (url: string, question = "Which Belgian institution holds the frozen Russian assets?", headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/ask`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ question }) });

describe("security headers and CORS", () => {
  it("sends helmet's headers, and no CORS headers unless origins are configured", async () => {
    const response = await fetch(`${service.baseUrl}/v1/documents`, { headers: { origin: "https://elsewhere.example" } });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows the configured origins only", async () => {
    const app = await listen({ ...service.rag, config: { ...service.rag.config, corsOrigins: "https://chat.example" } });
    try {
      const allowed = await fetch(`${app.url}/v1/documents`, { headers: { origin: "https://chat.example" } });
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://chat.example");
      const other = await fetch(`${app.url}/v1/documents`, { headers: { origin: "https://elsewhere.example" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await fetch(`${app.url}/v1/ask`, { method: "OPTIONS", headers: { origin: "https://chat.example", "access-control-request-method": "POST" } });
      expect(preflight.status).toBe(204);
    } finally {
      await app.close();
    }
  });
});

describe("rate limit", () => {
  it("refuses a client past RATE_LIMIT_PER_MINUTE with 429 and Retry-After, health checks aside", async () => {
    const rag = createRag({ rateLimitPerMinute: 3, indexDir: SHARED_TEST_INDEX } satisfies RagOptions);
    const app = await listen(rag);
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/v1/tools`)).status).toBe(200);
      const refused = await fetch(`${app.url}/v1/tools`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("too_many_requests");
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("counts each client behind a trusted proxy by its forwarded address", async () => {
    const rag = createRag({ rateLimitPerMinute: 1, trustProxy: "1", indexDir: SHARED_TEST_INDEX });
    const app = await listen(rag);
    try {
      const from = (ip: string) => fetch(`${app.url}/v1/tools`, { headers: { "x-forwarded-for": ip } });
      expect((await from("203.0.113.1")).status).toBe(200);
      expect((await from("203.0.113.2")).status).toBe(200);
      expect((await from("203.0.113.1")).status).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe("bounded work", () => {
  it("answers 503 overloaded with Retry-After past MAX_CONCURRENT_REQUESTS, and serves again after", async () => {
    const { rag, release } = heldCore({ maxConcurrentRequests: 1 });
    const app = await listen(rag);
    try {
      const first = ask(app.url);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await ask(app.url);
      expect(second.status).toBe(503);
      expect(second.headers.get("retry-after")).toBe("1");
      expect(((await second.json()) as { error: { code: string } }).error.code).toBe("overloaded");
      release();
      expect((await first).status).toBe(200);
      expect((await ask(app.url)).status).toBe(200);
    } finally {
      release();
      await app.close();
    }
  });

  it("gives up a request past REQUEST_TIMEOUT_MS with 503 timeout", async () => {
    const { rag, release } = heldCore({ requestTimeoutMs: 200 });
    const app = await listen(rag);
    try {
      const response = await ask(app.url);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("timeout");
    } finally {
      release();
      await app.close();
    }
  });
});

describe("request logs", () => {
  it("logs one line per request with its id (also sent back), status and duration, and no question text by default", async () => {
    const lines: string[] = [];
    const app = await listen(service.rag, lines);
    try {
      const response = await ask(app.url, "Which Belgian institution holds the frozen Russian assets?", { "x-request-id": "trace-42" });
      expect(response.headers.get("x-request-id")).toBe("trace-42");
      const generated = await fetch(`${app.url}/v1/documents`);
      expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      await expect.poll(() => lines.length).toBe(2);
      const [asked, listed] = lines.map((l) => JSON.parse(l));
      expect(asked).toMatchObject({ requestId: "trace-42", method: "POST", path: "/v1/ask", status: 200, textChars: "Which Belgian institution holds the frozen Russian assets?".length });
      expect(asked.ms).toBeGreaterThan(0);
      expect(lines[0]).not.toMatch(/Belgian/);
      expect(listed).toMatchObject({ method: "GET", path: "/v1/documents", status: 200 });
    } finally {
      await app.close();
    }
  });

  it("logs the question only when LOG_QUESTIONS is set, and never an admin token", async () => {
    const lines: string[] = [];
    const app = await listen({ ...service.rag, config: { ...service.rag.config, logQuestions: true } }, lines);
    try {
      await ask(app.url);
      await fetch(`${app.url}/v1/documents/x`, { method: "DELETE", headers: { authorization: "Bearer secret-token-123" } });
      await expect.poll(() => lines.length).toBe(2);
      expect(JSON.parse(lines[0]!).text).toBe("Which Belgian institution holds the frozen Russian assets?");
      expect(lines.join("")).not.toMatch(/secret-token-123/);
    } finally {
      await app.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM finishes the request in flight, refuses new ones and exits 0 within the bound", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/serve.ts"], {
      cwd: root,
      env: { ...process.env, INDEX_DIR: SHARED_TEST_INDEX, PORT: "0", SHUTDOWN_TIMEOUT_MS: "3000" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => /Ready in/.test(output), { timeout: 60_000, interval: 100 }).toBe(true);
      const url = /Listening on (http:\/\/[^\s]+:\d+)/.exec(output)![1]!;
      const inFlight = ask(url);
      await new Promise((resolve) => setTimeout(resolve, 2));
      child.kill("SIGTERM");
      const started = Date.now();
      expect((await inFlight).status).toBe(200);
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      expect(output).toMatch(/"signal":"SIGTERM"/);
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);
});
