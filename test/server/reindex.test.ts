import { mkdtemp, rm, writeFile, mkdir, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../helpers/server.js";

// Hot re-index over HTTP: rebuilt in the background, swapped atomically, and
// answering throughout (measured under load: no request may fail).

const TOKEN = "reindex-test-token";
let work: string;
let corpusDir: string;
let service: RunningService;

const text = (facts: string, topic: string, n: number) =>
  `${facts}\n\n${Array.from({ length: n }, (_, i) => `${topic} record ${i + 1} describes day ${i + 1} of the season in the station's logbook.`).join("\n\n")}`;

const admin = (method: string, body?: unknown, token = TOKEN) =>
  fetch(`${service.baseUrl}/v1/admin/reindex`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function untilDone(): Promise<any> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    const status: any = await (await admin("GET")).json();
    if (status.state !== "running") return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the re-index did not finish in 120 s");
}

/** Asks and searches from `workers` clients until `done` settles; returns every status seen. */
async function underLoad<T>(done: Promise<T>, workers = 4): Promise<{ result: T; statuses: number[] }> {
  const statuses: number[] = [];
  let finished = false;
  const result = done.finally(() => (finished = true));
  const loop = async (i: number) => {
    while (!finished) {
      const route = i % 2 ? "/v1/search" : "/v1/ask";
      const body = i % 2 ? { query: "When was the lighthouse first lit?" } : { question: "When was the lighthouse on Gull Rock first lit?" };
      const response = await fetch(service.baseUrl + route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  };
  await Promise.all([...Array.from({ length: workers }, (_, i) => loop(i)), result]);
  return { result: await result, statuses };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "cited-rag-reindex-"));
  corpusDir = path.join(work, "corpus");
  await mkdir(corpusDir);
  await writeFile(path.join(corpusDir, "lighthouse.txt"), text("The lighthouse on Gull Rock was first lit in 1843. Its keeper polished the lens every morning.", "Gull Rock", 40));
  await writeFile(path.join(corpusDir, "orchard.txt"), text("The orchard grows forty kinds of apple. Trees are pruned in late winter.", "Orchard", 40));
  service = await startService({ corpusDir, indexDir: path.join(work, "index"), adminToken: TOKEN });
}, 120_000);
afterAll(async () => {
  await service?.close();
  await rm(work, { recursive: true, force: true });
});

describe("POST /v1/admin/reindex", () => {
  it("is refused without the right token, and reports idle before any re-index", async () => {
    expect((await admin("POST", {}, "wrong")).status).toBe(401);
    expect((await admin("GET", undefined, "wrong")).status).toBe(401);
    expect(await (await admin("GET")).json()).toEqual({ state: "idle" });
    expect((await admin("POST", { force: "yes" })).status).toBe(400);
  });

  it("rebuilds every document in the background while requests keep being answered without one error", async () => {
    const started = await admin("POST", { force: true });
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ state: "running", force: true });
    const { result, statuses } = await underLoad(untilDone());
    expect(result).toMatchObject({ state: "succeeded", reason: "rebuild requested", documents: 2 });
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  }, 180_000);

  it("picks up a file added to the folder, re-embedding only it", async () => {
    await writeFile(path.join(corpusDir, "glacier.txt"), text("The glacier retreated two kilometres between 1950 and 2000.", "Glacier", 10));
    await admin("POST");
    const { result, statuses } = await underLoad(untilDone());
    expect(result).toMatchObject({ state: "succeeded", documents: 3 });
    expect(result.reason).toMatch(/1 added, 0 changed, 0 removed, 2 kept/);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const answer: any = await (await fetch(`${service.baseUrl}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "How far did the glacier retreat between 1950 and 2000?" }) })).json();
    expect(answer.answer).toMatch(/two kilometres/);
  }, 180_000);

  it("leaves the current index serving when a re-index fails, and says why", async () => {
    for (const file of await readdir(corpusDir)) await rm(path.join(corpusDir, file));
    await admin("POST");
    const { result, statuses } = await underLoad(untilDone(), 2);
    expect(result).toMatchObject({ state: "failed", error: { code: "corpus_invalid" } });
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const answer: any = await (await fetch(`${service.baseUrl}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question: "How far did the glacier retreat between 1950 and 2000?" }) })).json();
    expect(answer.answer).toMatch(/two kilometres/);
  }, 180_000);
});
