import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CitedRagError, createClient, verifyCitationAgainst, type AskStreamEvent, type CitedRagClient } from "../../src/client/index.js";
import { startService, type RunningService } from "../helpers/server.js";

const ANSWERABLE = "Which Russian diplomat did Foreign Minister Hayashi summon?";
const UNANSWERABLE = "What is the boiling point of ethanol?";

/** A fetch that answers every request with this one response, recording what was asked. */
function fakeFetch(respond: () => Response) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init: init ?? {} });
    return respond();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

function eventStream(text: string): Response {
  return new Response(text, { status: 200, headers: { "content-type": "text/event-stream" } });
}

async function collect(events: AsyncIterable<AskStreamEvent>): Promise<AskStreamEvent[]> {
  const seen: AskStreamEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe("the HTTP client against the real service", () => {
  let service: RunningService;
  let client: CitedRagClient;

  beforeAll(async () => {
    service = await startService();
    client = createClient({ baseUrl: `${service.baseUrl}/` });
  });
  afterAll(async () => {
    await service?.close();
  });

  it("searches: ranked passages whose spans verify", async () => {
    const response = await client.search("Sakhalin oil and gas projects", { k: 3 });
    expect(response.query).toBe("Sakhalin oil and gas projects");
    expect(response.results.length).toBeGreaterThan(0);
    expect(response.results.length).toBeLessThanOrEqual(3);
    expect(response.results.map((r) => r.rank)).toEqual(response.results.map((_, i) => i + 1));
    for (const result of response.results) expect(await client.verifyCitation(result)).toEqual({ valid: true });
  });

  it("asks: an answer with [n] markers whose citations all verify", async () => {
    const response = await client.ask(`  ${ANSWERABLE} `);
    expect(response.question).toBe(ANSWERABLE);
    expect(response.answerable).toBe(true);
    expect(response.answer).toContain("Galuzin");
    expect(response.answer).toContain("[1]");
    expect(response.citations.length).toBeGreaterThan(0);
    for (const citation of response.citations) expect(await client.verifyCitation(citation)).toEqual({ valid: true });
  });

  it("asks an unanswerable question: answerable false, and the nearest passages it cites still verify", async () => {
    const response = await client.ask(UNANSWERABLE, { k: 2 });
    expect(response.answerable).toBe(false);
    for (const citation of response.citations) expect(await client.verifyCitation(citation)).toEqual({ valid: true });
  });

  it("lists and reads documents exactly as the core serves them", async () => {
    const documents = await client.listDocuments();
    expect(documents).toEqual(service.rag.listDocuments());
    const docId = documents[0]!.docId;
    expect(await client.getDocument(docId)).toEqual(service.rag.getDocument(docId));
  });

  it("calls a tampered citation invalid and says why", async () => {
    const [citation] = (await client.ask(ANSWERABLE)).citations;
    const changed = await client.verifyCitation({ ...citation!, text: citation!.text.replace("Galuzin", "Lavrov") });
    expect(changed.valid).toBe(false);
    expect(changed.reason).toMatch(/does not occur in the document/);

    const shifted = await client.verifyCitation({ ...citation!, start: citation!.start + 3, end: citation!.end + 3 });
    expect(shifted.valid).toBe(false);
    expect(shifted.reason).toContain(`occurs at ${citation!.start}–${citation!.end}`);

    const outside = await client.verifyCitation({ ...citation!, end: 10_000_000 });
    expect(outside).toMatchObject({ valid: false, reason: expect.stringMatching(/outside the document/) });

    const fractional = await client.verifyCitation({ ...citation!, start: citation!.start + 0.5 });
    expect(fractional).toMatchObject({ valid: false, reason: expect.stringMatching(/integers/) });

    const unknown = await client.verifyCitation({ ...citation!, docId: "no-such-document" });
    expect(unknown).toMatchObject({ valid: false, reason: expect.stringMatching(/no-such-document/) });
  });

  it("fetches each document once per client to verify many citations", async () => {
    let documentFetches = 0;
    const counting = createClient({
      baseUrl: service.baseUrl,
      fetch: (async (url: string | URL | Request, init?: RequestInit) => {
        if (String(url).includes("/v1/documents/")) documentFetches++;
        return fetch(url, init);
      }) as typeof fetch,
    });
    const { results } = await counting.search("Japan sanctions against Russia", { k: 10 });
    const docIds = new Set(results.map((r) => r.docId));
    expect(docIds.size).toBeLessThan(results.length);
    const checks = await Promise.all(results.map((r) => counting.verifyCitation(r)));
    expect(checks.every((c) => c.valid)).toBe(true);
    expect(documentFetches).toBe(docIds.size);
  });

  it("throws CitedRagError with the server's status, code and message for a 400", async () => {
    const error = await client.ask("   ").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CitedRagError);
    expect(error).toMatchObject({ status: 400, code: "invalid_request", message: expect.stringMatching(/question/) });
    await expect(client.search("x", { k: 0 })).rejects.toMatchObject({ status: 400, code: "invalid_request" });
  });

  it("throws not_found for an unknown document", async () => {
    const error = await client.getDocument("no-such-document").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CitedRagError);
    expect(error).toMatchObject({ status: 404, code: "not_found", message: expect.stringContaining("no-such-document") });
  });

  it("rejects with the abort reason once the signal aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(client.ask(ANSWERABLE, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  // Depends on the streaming route (Accept: text/event-stream on POST /v1/ask).
  it("streams passages, then the answer, then done; the answer is the one ask() gives", async () => {
    const events = await collect(client.askStream(ANSWERABLE));
    expect(events.map((e) => e.type)).toEqual(["passages", "answer", "done"]);
    const [passages, answer] = events;
    if (passages?.type !== "passages" || answer?.type !== "answer") throw new Error("unreachable");
    expect(passages.data.query).toBe(ANSWERABLE);
    expect(passages.data.results.length).toBeGreaterThan(0);
    for (const result of passages.data.results) expect(await client.verifyCitation(result)).toEqual({ valid: true });
    const plain = await client.ask(ANSWERABLE);
    expect(answer.data.citations).toEqual(plain.citations);
    expect(answer.data).toEqual(plain);
  });

  it("reports a refused streaming request as a CitedRagError before any event", async () => {
    const stream = client.askStream("");
    await expect(collect(stream)).rejects.toMatchObject({ status: 400, code: "invalid_request" });
  });
});

describe("the HTTP client against a misbehaving server", () => {
  it("sends its headers, JSON bodies and k only when given", async () => {
    const { fetch, requests } = fakeFetch(() => Response.json({ query: "q", results: [] }));
    const client = createClient({ baseUrl: "http://service.test/base/", fetch, headers: { authorization: "Bearer t", Accept: "text/plain" } });
    await client.search("q");
    await client.search("q", { k: 2 });
    expect(requests.map((r) => r.url)).toEqual(["http://service.test/base/v1/search", "http://service.test/base/v1/search"]);
    const headers = new Headers(requests[0]!.init.headers);
    expect([headers.get("authorization"), headers.get("content-type"), headers.get("accept")]).toEqual(["Bearer t", "application/json", "application/json"]);
    expect(JSON.parse(String(requests[0]!.init.body))).toEqual({ query: "q" });
    expect(JSON.parse(String(requests[1]!.init.body))).toEqual({ query: "q", k: 2 });
  });

  it("escapes document ids in the path", async () => {
    const { fetch, requests } = fakeFetch(() => Response.json({ error: { code: "not_found", message: "none" } }, { status: 404 }));
    await expect(createClient({ baseUrl: "http://service.test", fetch }).getDocument("a/b?c")).rejects.toMatchObject({ code: "not_found" });
    expect(requests[0]!.url).toBe("http://service.test/v1/documents/a%2Fb%3Fc");
  });

  it("fails loudly on a response that breaks the schema", async () => {
    const { fetch } = fakeFetch(() => Response.json({ question: "q", answerable: "yes", answer: "a", citations: [] }));
    const error = await createClient({ baseUrl: "http://service.test", fetch }).ask("q").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CitedRagError);
    expect(error).toMatchObject({ status: 200, code: "invalid_response", message: expect.stringContaining("answerable") });
  });

  it("fails loudly on a body that is not JSON", async () => {
    const { fetch } = fakeFetch(() => new Response("<html>", { status: 200 }));
    await expect(createClient({ baseUrl: "http://service.test", fetch }).listDocuments()).rejects.toMatchObject({ code: "invalid_response" });
  });

  it("reports an error page from something in front of the service as http_error", async () => {
    const { fetch } = fakeFetch(() => new Response("<html>Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const error = await createClient({ baseUrl: "http://service.test", fetch }).ask("q").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "http_error", message: expect.stringContaining("Bad Gateway") });
  });

  it("throws the error event of a stream as a CitedRagError, after the events before it", async () => {
    const { fetch } = fakeFetch(() =>
      eventStream('event: passages\ndata: {"query":"q","results":[]}\n\nevent: error\ndata: {"error":{"code":"embedding_failed","message":"The worker died."}}\n\n'),
    );
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of createClient({ baseUrl: "http://service.test", fetch }).askStream("q")) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["passages"]);
    expect(failure).toBeInstanceOf(CitedRagError);
    expect(failure).toMatchObject({ status: 503, code: "embedding_failed", message: "The worker died." });
  });

  it("treats a stream that ends before done as incomplete", async () => {
    const { fetch } = fakeFetch(() => eventStream('event: passages\ndata: {"query":"q","results":[]}\n\n'));
    await expect(collect(createClient({ baseUrl: "http://service.test", fetch }).askStream("q"))).rejects.toMatchObject({
      code: "invalid_response",
      message: expect.stringContaining("done"),
    });
  });

  it("refuses a JSON answer to a streaming request", async () => {
    const { fetch, requests } = fakeFetch(() => Response.json({ question: "q", answerable: false, answer: "", citations: [] }));
    await expect(collect(createClient({ baseUrl: "http://service.test", fetch }).askStream("q"))).rejects.toMatchObject({
      code: "invalid_response",
      message: expect.stringContaining("text/event-stream"),
    });
    expect(new Headers(requests[0]!.init.headers).get("accept")).toBe("text/event-stream");
  });

  it("checks event data against the schemas and skips events it does not know", async () => {
    const { fetch } = fakeFetch(() => eventStream('event: progress\ndata: 50%\n\nevent: passages\ndata: {"query":"q"}\n\n'));
    await expect(collect(createClient({ baseUrl: "http://service.test", fetch }).askStream("q"))).rejects.toMatchObject({
      code: "invalid_response",
      message: expect.stringContaining("event passages"),
    });
  });
});

describe("verifyCitationAgainst", () => {
  const text = "Alpha beta. Gamma delta.";

  it("accepts the exact span", () => {
    expect(verifyCitationAgainst(text, { start: 12, end: 24, text: "Gamma delta." })).toEqual({ valid: true });
    expect(verifyCitationAgainst(text, { start: 0, end: 0, text: "" })).toEqual({ valid: true });
  });

  it("rejects altered text, shifted offsets, ranges outside the text and non-integers", () => {
    expect(verifyCitationAgainst(text, { start: 12, end: 24, text: "Gamma Delta." })).toMatchObject({ valid: false, reason: expect.stringContaining("does not occur") });
    expect(verifyCitationAgainst(text, { start: 11, end: 23, text: "Gamma delta." })).toMatchObject({ valid: false, reason: expect.stringContaining("occurs at 12–24") });
    expect(verifyCitationAgainst(text, { start: 12, end: 25, text: "Gamma delta." }).valid).toBe(false);
    expect(verifyCitationAgainst(text, { start: -1, end: 4, text: "Alph" }).valid).toBe(false);
    expect(verifyCitationAgainst(text, { start: 5, end: 4, text: "" }).valid).toBe(false);
    expect(verifyCitationAgainst(text, { start: 0, end: 5.5, text: "Alpha" }).valid).toBe(false);
    expect(verifyCitationAgainst(text, { start: Number.NaN, end: 5, text: "Alpha" }).valid).toBe(false);
  });

  it("counts offsets in UTF-16 code units, as JavaScript strings do", () => {
    const emoji = "Flags 🇯🇵 and €.";
    expect(verifyCitationAgainst(emoji, { start: 6, end: 10, text: "🇯🇵" })).toEqual({ valid: true });
    expect(verifyCitationAgainst(emoji, { start: 6, end: 8, text: "🇯🇵" }).valid).toBe(false);
  });
});
