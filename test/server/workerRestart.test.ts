import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, postJson, startService, type RunningService } from "../helpers/server.js";

let service: RunningService;

beforeAll(async () => {
  // The cache off, so every question after the kill needs the model.
  service = await startService({ queryCacheSize: 0 });
});
afterAll(async () => {
  await service?.close();
});

async function readyz(): Promise<{ status: number; body: { status: string } }> {
  return getJson(service.baseUrl, "/readyz");
}

describe("a dead embedding worker (real model, real index, real HTTP)", () => {
  it("turns /readyz to 503 while a new worker starts, then answers again", async () => {
    const question = { question: "Where was the July 2022 Ukraine Recovery Conference held?" };
    const before = await postJson(service.baseUrl, "/v1/ask", question);
    expect(before.status).toBe(200);
    expect((await readyz()).status).toBe(200);

    await service.rag.internals().model.worker!.killWorkerForTesting();
    expect(await readyz()).toEqual({ status: 503, body: { status: "model_unavailable" } });

    // Bounded: a replacement loads the model in about a second here.
    const deadline = Date.now() + 60_000;
    while ((await readyz()).status !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await postJson(service.baseUrl, "/v1/ask", question);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
  });

  it("answers a question asked during the restart once the new worker is up", async () => {
    await service.rag.internals().model.worker!.killWorkerForTesting();
    const during = await postJson(service.baseUrl, "/v1/search", { query: "frozen Russian assets", k: 3 });
    expect(during.status).toBe(200);
    expect(during.body.results).toHaveLength(3);
    expect((await readyz()).status).toBe(200);
  });
});
