import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../helpers/server.js";
import { createApp } from "../../src/server/app.js";
import type { Rag } from "../../src/rag.js";

// Server-sent events read by a real HTTP client over a real socket.

let service: RunningService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

const QUESTION = "Which Belgian financial institution holds the Russian sovereign assets?";

async function readEvents(response: Response): Promise<{ event: string; data: any }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))!.slice(7);
      const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      return { event, data: JSON.parse(data) };
    });
}

const askStream = (baseUrl: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${baseUrl}/v1/ask`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal,
  });

describe("POST /v1/ask with Accept: text/event-stream", () => {
  it("sends the passages, then the answer with the same citations as the JSON response, then done", async () => {
    const response = await askStream(service.baseUrl, { question: QUESTION });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events.map((e) => e.event)).toEqual(["passages", "answer", "done"]);
    const [passages, answer] = events;
    expect(passages!.data.query).toBe(QUESTION);
    expect(passages!.data.results.length).toBeGreaterThan(0);
    const plain = await service.rag.ask({ question: QUESTION });
    expect(answer!.data).toEqual(plain);
    expect(answer!.data.answerable).toBe(true);
    for (const c of answer!.data.citations) expect(service.rag.getDocument(c.docId).text.slice(c.start, c.end)).toBe(c.text);
    // The answer is drawn from the passages streamed first.
    for (const c of answer!.data.citations) {
      expect(passages!.data.results.some((r: any) => r.docId === c.docId && r.start <= c.start && c.end <= r.end)).toBe(true);
    }
  });

  it("streams an abstention the same way", async () => {
    const events = await readEvents(await askStream(service.baseUrl, { question: "What is the boiling point of mercury?" }));
    expect(events.map((e) => e.event)).toEqual(["passages", "answer", "done"]);
    expect(events[1]!.data.answerable).toBe(false);
  });

  it("answers a bad request with the ordinary JSON error, before any event", async () => {
    const response = await askStream(service.baseUrl, { question: "  " });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });

  it("stops the work when the client goes away", async () => {
    // The same core behind a second app, watching the signal the adapter hands it.
    let signal: AbortSignal | undefined;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const watched: Rag = {
      ...service.rag,
      ask: async (body, options) => {
        signal = options?.signal;
        options?.onPassages?.({ query: "held", results: [] });
        await held;
        return service.rag.ask(body, options);
      },
    };
    const server: Server = await new Promise((resolve) => {
      const s = createApp(watched, () => {}).listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const controller = new AbortController();
      const response = await askStream(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { question: QUESTION }, controller.signal);
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await expect.poll(() => signal?.aborted, { timeout: 5000 }).toBe(true);
      release();
      // The core stops at its next step: the aborted signal makes the rest of the work throw, not run.
      await expect(service.rag.ask({ question: QUESTION }, { signal })).rejects.toThrow();
    } finally {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
