import { describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { createRag } from "../../src/rag.js";
import { createApp } from "../../src/server/app.js";

// A service that has not loaded yet: no model or index needed, so this runs in milliseconds.
async function withUnloadedServer(run: (baseUrl: string) => Promise<void>) {
  const app = createApp(createRag({ adminToken: "" }), () => {});
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("before the index and model are loaded", () => {
  it("is healthy but not ready, and queries get 503 not_ready", async () => {
    await withUnloadedServer(async (baseUrl) => {
      expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "loading" });
      const search = await fetch(`${baseUrl}/v1/search`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "Japan" }),
      });
      expect(search.status).toBe(503);
      expect(await search.json()).toEqual({ error: { code: "not_ready", message: expect.stringMatching(/loading/) } });
    });
  });

  it("refuses document changes with 403 while ADMIN_TOKEN is unset, before reading any upload", async () => {
    await withUnloadedServer(async (baseUrl) => {
      const form = new FormData();
      form.append("file", new Blob(["text"]), "a.txt");
      const upload = await fetch(`${baseUrl}/v1/documents`, { method: "POST", body: form, headers: { authorization: "Bearer x" } });
      expect(upload.status).toBe(403);
      expect(await upload.json()).toEqual({ error: { code: "forbidden", message: expect.stringContaining("ADMIN_TOKEN") } });
      const removal = await fetch(`${baseUrl}/v1/documents/a`, { method: "DELETE" });
      expect(removal.status).toBe(403);
    });
  });

  it("still validates input first, so a bad request is a 400 even while loading", async () => {
    await withUnloadedServer(async (baseUrl) => {
      const response = await fetch(`${baseUrl}/v1/ask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ question: "" }),
      });
      expect(response.status).toBe(400);
    });
  });
});
