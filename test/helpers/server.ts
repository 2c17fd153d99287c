import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { createRag, type Rag, type RagOptions } from "../../src/rag.js";
import { createApp } from "../../src/server/app.js";

/**
 * One index for every test that uses the real model and corpus: built on first
 * use, reused while corpus, model and chunking match (the manifest decides).
 */
export const SHARED_TEST_INDEX = path.join(os.tmpdir(), "cited-rag-test-index");

export interface RunningService {
  rag: Rag;
  baseUrl: string;
  indexDir: string;
  close(): Promise<void>;
}

/** The real service (real model, real index in a temp dir) on an ephemeral port. */
export async function startService(options: RagOptions = {}): Promise<RunningService> {
  const indexDir = options.indexDir ?? SHARED_TEST_INDEX;
  // Rate limiting is off by configuration, as a deployment would turn it off; the limits have tests of their own.
  const rag = createRag({ rateLimitPerMinute: 0, ...options, indexDir });
  await rag.load();
  const server: Server = await new Promise((resolve) => {
    const s = createApp(rag, () => {}).listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    rag,
    baseUrl: `http://127.0.0.1:${port}`,
    indexDir,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await rag.close();
    },
  };
}

export async function postJson(baseUrl: string, route: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(baseUrl + route, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export async function getJson(baseUrl: string, route: string): Promise<{ status: number; body: any }> {
  const response = await fetch(baseUrl + route);
  return { status: response.status, body: await response.json() };
}
