import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, ErrorCode as JsonRpcCode } from "@modelcontextprotocol/sdk/types.js";
import { sendRaw, type RawReply, type RawRequest } from "../helpers/rawRequest.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { ERROR_STATUS, type ErrorCode } from "../../src/errors.js";
import { SHARED_TEST_INDEX, startService, type RunningService } from "../helpers/server.js";

// Issue 19, item 1: malformed requests get the right 4xx and error code, over
// HTTP, MCP and the CLI alike; odd but valid Unicode is answered, with
// citations that verify. Requests go out through node:http, not fetch, so
// bodies, paths and headers reach the server byte for byte (fetch would add a
// content-type, re-encode the body and normalise the path).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const limits = resolveConfig();
const MAX = limits.maxQueryChars;
const MAX_K = limits.maxK;
const JSON_TYPE = { "content-type": "application/json" };
const DOC = "tokyo-refuses-eu-russian-assets-plan";
const EUROCLEAR = "Which Belgian institution holds the frozen Russian assets?";

let service: RunningService;
let mcp: Client;

beforeAll(async () => {
  service = await startService({ adminToken: "" });
  mcp = new Client({ name: "hostile-input-test", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${service.baseUrl}/mcp`)));
});
afterAll(async () => {
  await mcp?.close();
  await service?.close();
});

type Reply = RawReply;

/** One request exactly as given: no header, encoding or path normalisation added. */
const send = (request: RawRequest): Promise<Reply> => sendRaw(service.baseUrl, request);

const documentTexts = new Map<string, string>();
async function expectVerifies(spans: { docId: string; start: number; end: number; text: string }[]) {
  for (const s of spans) {
    if (!documentTexts.has(s.docId)) {
      const doc = await send({ method: "GET", path: `/v1/documents/${encodeURIComponent(s.docId)}` });
      expect(doc.status).toBe(200);
      documentTexts.set(s.docId, doc.body.text);
    }
    expect(documentTexts.get(s.docId)!.slice(s.start, s.end), `${s.docId} ${s.start}–${s.end}`).toBe(s.text);
  }
}

/** Markers in the answer all have a citation; citations verify. */
async function expectSoundAnswer(body: any) {
  expect(typeof body.answerable).toBe("boolean");
  expect(typeof body.answer).toBe("string");
  expect(Array.isArray(body.citations)).toBe(true);
  const markers = new Set(body.citations.map((c: { marker: number }) => c.marker));
  for (const m of body.answer.matchAll(/\[(\d+)\]/g)) expect(markers.has(Number(m[1])), `marker [${m[1]}]`).toBe(true);
  await expectVerifies(body.citations);
}

// ---------------------------------------------------------------------------
// The table of malformed requests.

interface BadRequest {
  name: string;
  method?: string;
  path: string;
  /** Sent as JSON with content-type application/json (and, for /v1/search and /v1/ask, as MCP tool arguments). */
  json?: unknown;
  /** Sent byte for byte with `headers`. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  code: ErrorCode;
  message?: RegExp;
  allow?: string;
  /** A known bug: the test asserts the right behaviour and is expected to fail until the source is fixed. */
  bug?: string;
}

const search = (json: unknown, status: number, code: ErrorCode, message?: RegExp): Omit<BadRequest, "name"> => ({ path: "/v1/search", json, status, code, message });
const ask = (json: unknown, status: number, code: ErrorCode, message?: RegExp): Omit<BadRequest, "name"> => ({ path: "/v1/ask", json, status, code, message });
const kMessage = (shown: string) => new RegExp(`^The field "k" must be an integer from 1 to ${MAX_K}, not ${shown.replace(/[.+*?()[\]]/g, "\\$&")}\\.$`);
const tooLong = (field: string, n: number) => new RegExp(`^The field "${field}" is ${n} characters long; the limit is ${MAX}\\.$`);
const EMOJI = "\u{1F600}";
/** Invalid UTF-8 inside a JSON string: 0xFF and 0xFE never occur in UTF-8; 0xC3 starts a sequence that 0x28 does not continue. */
const INVALID_UTF8 = Buffer.concat([Buffer.from('{"question":"Euroclear '), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]);
const NOT_OBJECT = /^The request body must be a JSON object\.$/;

const BAD_REQUESTS: BadRequest[] = [
  // Wrong types.
  { name: "query as a number", ...search({ query: 42 }, 400, "invalid_request", /^The field "query" must be a string, not number 42\.$/) },
  { name: "query as an array", ...search({ query: ["Euroclear"] }, 400, "invalid_request", /^The field "query" must be a string, not an array\.$/) },
  { name: "query as an object", ...search({ query: { text: "Euroclear" } }, 400, "invalid_request", /^The field "query" must be a string, not an object\.$/) },
  { name: "query as a boolean", ...search({ query: true }, 400, "invalid_request", /^The field "query" must be a string, not boolean true\.$/) },
  { name: "query null", ...search({ query: null }, 400, "invalid_request", /^The field "query" is required\.$/) },
  { name: "no query at all", ...search({ k: 3 }, 400, "invalid_request", /^The field "query" is required\.$/) },
  { name: "question as a number", ...ask({ question: 3.14 }, 400, "invalid_request", /^The field "question" must be a string, not number 3\.14\.$/) },
  { name: "question as an array", ...ask({ question: [EUROCLEAR] }, 400, "invalid_request", /must be a string, not an array/) },
  { name: "question as an object", ...ask({ question: { en: EUROCLEAR } }, 400, "invalid_request", /must be a string, not an object/) },
  { name: "question as a boolean", ...ask({ question: false }, 400, "invalid_request", /must be a string, not boolean false/) },
  { name: "query sent to /v1/ask instead of question", ...ask({ query: EUROCLEAR }, 400, "invalid_request", /^The field "question" is required\.$/) },
  // Numbers for k.
  { name: "k = 1e308", ...search({ query: "Euroclear", k: 1e308 }, 400, "invalid_request", kMessage("number 1e+308")) },
  { name: "k = -1", ...search({ query: "Euroclear", k: -1 }, 400, "invalid_request", kMessage("number -1")) },
  { name: "k = 0", ...search({ query: "Euroclear", k: 0 }, 400, "invalid_request", kMessage("number 0")) },
  { name: "k = 2.5", ...search({ query: "Euroclear", k: 2.5 }, 400, "invalid_request", kMessage("number 2.5")) },
  { name: 'k = "5"', ...search({ query: "Euroclear", k: "5" }, 400, "invalid_request", kMessage('"5"')) },
  { name: 'k = "NaN"', ...search({ query: "Euroclear", k: "NaN" }, 400, "invalid_request", kMessage('"NaN"')) },
  { name: "k = MAX_K + 1", ...search({ query: "Euroclear", k: MAX_K + 1 }, 400, "invalid_request", kMessage(`number ${MAX_K + 1}`)) },
  { name: "k = true", ...ask({ question: EUROCLEAR, k: true }, 400, "invalid_request", kMessage("boolean true")) },
  { name: "k = []", ...ask({ question: EUROCLEAR, k: [5] }, 400, "invalid_request", kMessage("an array")) },
  { name: "k = {}", ...ask({ question: EUROCLEAR, k: { value: 5 } }, 400, "invalid_request", kMessage("an object")) },
  { name: "k = 1e400 (Infinity once parsed)", path: "/v1/search", raw: '{"query":"Euroclear","k":1e400}', headers: JSON_TYPE, status: 400, code: "invalid_request", message: kMessage("number Infinity") },
  { name: "k = NaN (not JSON)", path: "/v1/search", raw: '{"query":"Euroclear","k":NaN}', headers: JSON_TYPE, status: 400, code: "invalid_json" },
  // Nested and odd shapes.
  { name: "query nested in query", ...search({ query: { query: "Euroclear" } }, 400, "invalid_request", /must be a string, not an object/) },
  { name: "body nested 5 000 arrays deep", path: "/v1/ask", raw: "[".repeat(5000) + "]".repeat(5000), headers: JSON_TYPE, status: 400, code: "invalid_request", message: NOT_OBJECT },
  { name: "question nested 8 000 arrays deep", path: "/v1/ask", raw: `{"question":${"[".repeat(8000)}${"]".repeat(8000)}}`, headers: JSON_TYPE, status: 400, code: "invalid_request", message: /must be a string, not an array/ },
  { name: "duplicate key, the last one a number", path: "/v1/search", raw: '{"query":"Euroclear","query":7}', headers: JSON_TYPE, status: 400, code: "invalid_request", message: /must be a string, not number 7/ },
  { name: "query only under __proto__", path: "/v1/search", raw: '{"__proto__":{"query":"Euroclear"}}', headers: JSON_TYPE, status: 400, code: "invalid_request", message: /^The field "query" is required\.$/ },
  // Bodies that are not a JSON object.
  { name: "empty body", path: "/v1/ask", raw: "", headers: JSON_TYPE, status: 400, code: "invalid_request", message: /^The field "question" is required\.$/ },
  { name: 'body "null"', path: "/v1/ask", raw: "null", headers: JSON_TYPE, status: 400, code: "invalid_request", message: NOT_OBJECT },
  { name: 'body "[]"', path: "/v1/search", raw: "[]", headers: JSON_TYPE, status: 400, code: "invalid_request", message: NOT_OBJECT },
  { name: "body a JSON string", path: "/v1/ask", raw: JSON.stringify(EUROCLEAR), headers: JSON_TYPE, status: 400, code: "invalid_request", message: NOT_OBJECT },
  { name: "body a JSON number", path: "/v1/search", raw: "42", headers: JSON_TYPE, status: 400, code: "invalid_request", message: NOT_OBJECT },
  { name: "truncated JSON", path: "/v1/ask", raw: '{"question":"Euroclear', headers: JSON_TYPE, status: 400, code: "invalid_json", message: /not valid JSON/ },
  { name: "single-quoted pseudo-JSON", path: "/v1/ask", raw: "{'question':'Euroclear'}", headers: JSON_TYPE, status: 400, code: "invalid_json" },
  {
    name: "invalid UTF-8 bytes inside a JSON string",
    path: "/v1/ask",
    raw: INVALID_UTF8,
    headers: JSON_TYPE,
    status: 400,
    code: "invalid_json",
  },
  // Content types and encodings.
  { name: "content-type text/plain", path: "/v1/ask", raw: JSON.stringify({ question: EUROCLEAR }), headers: { "content-type": "text/plain" }, status: 415, code: "unsupported_media_type" },
  { name: "content-type form-urlencoded", path: "/v1/ask", raw: "question=Euroclear", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "unsupported_media_type" },
  { name: "content-type multipart/form-data", path: "/v1/search", raw: "--x\r\n\r\n--x--", headers: { "content-type": "multipart/form-data; boundary=x" }, status: 415, code: "unsupported_media_type" },
  { name: "no content-type", path: "/v1/search", raw: JSON.stringify({ query: "Euroclear" }), headers: {}, status: 415, code: "unsupported_media_type" },
  {
    name: "content-type with charset=latin1",
    path: "/v1/ask",
    raw: JSON.stringify({ question: EUROCLEAR }),
    headers: { "content-type": "application/json; charset=latin1" },
    status: 415,
    code: "unsupported_media_type",
    message: /UTF-8/,
  },
  {
    name: "unknown content-encoding",
    path: "/v1/ask",
    raw: JSON.stringify({ question: EUROCLEAR }),
    headers: { ...JSON_TYPE, "content-encoding": "x-unheard-of" },
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "content-encoding gzip on a body that is not gzip",
    path: "/v1/ask",
    raw: JSON.stringify({ question: EUROCLEAR }),
    headers: { ...JSON_TYPE, "content-encoding": "gzip" },
    status: 400,
    code: "invalid_request",
  },
  // Strings too long, and bodies too large.
  { name: `question of MAX_QUERY_CHARS + 1 (${MAX + 1}) characters`, ...ask({ question: "a".repeat(MAX + 1) }, 400, "invalid_request", tooLong("question", MAX + 1)) },
  { name: `query of MAX_QUERY_CHARS + 1 characters, spaces around it`, ...search({ query: ` ${"b".repeat(MAX + 1)} ` }, 400, "invalid_request", tooLong("query", MAX + 3)) },
  // MAX_QUERY_CHARS counts code points (zod's max() does for strings), not UTF-16 units: one emoji is one character.
  { name: `MAX_QUERY_CHARS + 1 (${MAX + 1}) emoji`, ...ask({ question: EMOJI.repeat(MAX + 1) }, 400, "invalid_request", new RegExp(`^The field "question" is \\d+ characters long; the limit is ${MAX}\\.$`)) },
  // 10 000 emoji are over MAX_QUERY_CHARS, but also 40 000 bytes of UTF-8: the 32 kB body limit answers first.
  { name: "10 000 emoji (40 000 bytes)", path: "/v1/ask", json: { question: EMOJI.repeat(10_000) }, status: 413, code: "payload_too_large", message: /32 kB/ },
  { name: "40 000-character question (over the 32 kB body limit)", path: "/v1/ask", json: { question: "a".repeat(40_000) }, status: 413, code: "payload_too_large" },
  { name: "small question padded past 32 kB by an extra field", path: "/v1/search", json: { query: "Euroclear", padding: "x".repeat(33 * 1024) }, status: 413, code: "payload_too_large" },
  // Blank questions, Unicode whitespace included.
  { name: "empty question", ...ask({ question: "" }, 400, "invalid_request", /^The field "question" must not be empty\.$/) },
  { name: "ASCII whitespace only", ...ask({ question: " \t\r\n " }, 400, "invalid_request", /^The field "question" must not be empty\.$/) },
  {
    name: "Unicode whitespace only (NBSP, em space, ideographic space, BOM, line/paragraph separators, ogham space)",
    ...search({ query: "\u00a0\u2003\u3000\ufeff\u2028\u2029\u1680\u205f" }, 400, "invalid_request", /^The field "query" must not be empty\.$/),
  },
  {
    name: "event-stream requested with an empty question: a plain JSON 400, no stream",
    path: "/v1/ask",
    raw: JSON.stringify({ question: "" }),
    headers: { ...JSON_TYPE, accept: "text/event-stream" },
    status: 400,
    code: "invalid_request",
  },
  // Unknown routes and methods.
  { name: "unknown route GET /v2/ask", method: "GET", path: "/v2/ask", status: 404, code: "not_found", message: /No route GET \/v2\/ask/ },
  { name: "unknown route POST /v1/answer", path: "/v1/answer", json: { question: EUROCLEAR }, status: 404, code: "not_found" },
  { name: "unknown route GET /v1", method: "GET", path: "/v1", status: 404, code: "not_found" },
  { name: "GET /v1/ask", method: "GET", path: "/v1/ask", status: 405, code: "method_not_allowed", allow: "POST" },
  { name: "PUT /v1/search", method: "PUT", path: "/v1/search", json: { query: "Euroclear" }, status: 405, code: "method_not_allowed", allow: "POST" },
  { name: "DELETE /v1/ask", method: "DELETE", path: "/v1/ask", status: 405, code: "method_not_allowed", allow: "POST" },
  { name: "PATCH /v1/documents", method: "PATCH", path: "/v1/documents", json: {}, status: 405, code: "method_not_allowed", allow: "GET, POST" },
  { name: "PUT /v1/documents/:docId", method: "PUT", path: `/v1/documents/${DOC}`, json: {}, status: 405, code: "method_not_allowed", allow: "GET, DELETE" },
  { name: "POST /healthz", method: "POST", path: "/healthz", json: {}, status: 405, code: "method_not_allowed", allow: "GET" },
  { name: "POST /v1/tools", method: "POST", path: "/v1/tools", json: {}, status: 405, code: "method_not_allowed", allow: "GET" },
  // Documents routes.
  { name: "GET /v1/documents/<5 000-character id>", method: "GET", path: `/v1/documents/${"a".repeat(5000)}`, status: 404, code: "not_found", message: /^No document has the id "a+/ },
  { name: "GET /v1/documents/<id of 1 000 percent-encoded emoji, 12 kB>", method: "GET", path: `/v1/documents/${encodeURIComponent(EMOJI.repeat(1000))}`, status: 404, code: "not_found" },
  {
    name: "GET /v1/documents/% (malformed percent-encoding)",
    method: "GET",
    path: "/v1/documents/%",
    status: 400,
    code: "invalid_request",
  },
  { name: "DELETE /v1/documents/:docId without a token (admin disabled)", method: "DELETE", path: `/v1/documents/${DOC}`, status: 403, code: "forbidden", message: /ADMIN_TOKEN/ },
  {
    name: "DELETE /v1/documents/:docId with a made-up token (admin disabled)",
    method: "DELETE",
    path: `/v1/documents/${DOC}`,
    headers: { authorization: "Bearer guess" },
    status: 403,
    code: "forbidden",
  },
  { name: "POST /v1/documents without a token (admin disabled)", method: "POST", path: "/v1/documents", json: { file: "x" }, status: 403, code: "forbidden" },
];

function requestOf(c: BadRequest) {
  if (c.json !== undefined) return { method: c.method, path: c.path, headers: { ...JSON_TYPE, ...c.headers }, body: JSON.stringify(c.json) };
  return { method: c.method, path: c.path, headers: c.headers, body: c.raw };
}

describe(`${BAD_REQUESTS.length} malformed requests over HTTP get the right 4xx and error code`, () => {
  it("has at least 40 cases, each expecting the status the error table gives its code", () => {
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(40);
    for (const c of BAD_REQUESTS) expect(ERROR_STATUS[c.code], c.name).toBe(c.status);
  });

  for (const c of BAD_REQUESTS) {
    (c.bug ? it.fails : it)(`${c.name} → ${c.status} ${c.code}${c.bug ? ` (known bug: ${c.bug})` : ""}`, async () => {
      const reply = await send(requestOf(c));
      expect(reply.status, reply.text.slice(0, 300)).toBe(c.status);
      expect(reply.headers["content-type"]).toMatch(/^application\/json/);
      expect(reply.body).toEqual({ error: { code: c.code, message: expect.any(String) } });
      expect(reply.body.error.message.length).toBeGreaterThan(10);
      if (c.message) expect(reply.body.error.message).toMatch(c.message);
      expect(reply.text).not.toMatch(/\n\s+at |node_modules|\/src\//);
      if (c.allow) expect(reply.headers.allow).toBe(c.allow);
    });
  }

  it("is unharmed afterwards: ready, answering, and Object.prototype not polluted by __proto__ keys", async () => {
    expect(({} as Record<string, unknown>).query).toBeUndefined();
    expect((await send({ method: "GET", path: "/readyz" })).body).toEqual({ status: "ready" });
    const reply = await send({ path: "/v1/ask", headers: JSON_TYPE, body: JSON.stringify({ question: EUROCLEAR }) });
    expect(reply.status).toBe(200);
    expect(reply.body.answer).toContain("Euroclear");
    await expectSoundAnswer(reply.body);
  });
});

// ---------------------------------------------------------------------------
// Odd but valid Unicode: accepted, answered or abstained from, citations verify.

const ODD_QUESTIONS: [string, string][] = [
  ["NUL characters inside", `Which Belgian\u0000 institution holds the frozen\u0000 Russian assets?`],
  ["a NUL character only", "\u0000"],
  ["a lone high surrogate", `\ud800 ${EUROCLEAR}`],
  ["a lone low surrogate at the end", `${EUROCLEAR} \udc00`],
  ["only a lone surrogate", "\ud800"],
  ["RTL marks and an RTL override", `\u200f\u202e${EUROCLEAR}\u202c\u200f`],
  ["Arabic and Hebrew text with RTL marks", "\u200fأين تُحفظ الأصول الروسية المجمدة؟ \u05d0\u05d9\u05e4\u05d4\u200f"],
  ["zero-width joiners and non-joiners between letters", "Euro\u200dclear holds the frozen Russian\u200c assets"],
  ["zero-width space only (not whitespace to ECMAScript)", "\u200b\u200d"],
  ["an emoji ZWJ family sequence", `\u{1F468}\u200d\u{1F469}\u200d\u{1F467} ${EUROCLEAR}`],
  ["combining marks stacked on every letter", "E\u0301\u0302\u0303u\u0308\u0309r\u0310o\u0311c\u0312l\u0313e\u0314a\u0315r\u0316"],
  [`${MAX} emoji: ${2 * MAX} UTF-16 units but ${MAX} characters, the limit`, EMOJI.repeat(MAX)],
  ["control characters and a C1 control", "\u0001\u0007\u001b[31mEuroclear\u0085\u009c"],
  ["noncharacters and private use", "\uffff\ufffe\ue000 Euroclear \u{10ffff}"],
];

describe("odd Unicode in the question is accepted with 200 and verified citations or a clean abstention", () => {
  it.each(ODD_QUESTIONS)("POST /v1/ask: %s", async (_name, question) => {
    const reply = await send({ path: "/v1/ask", headers: JSON_TYPE, body: JSON.stringify({ question }) });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(reply.body.question).toBe(question.trim());
    await expectSoundAnswer(reply.body);
    if (!reply.body.answerable) expect(reply.body.answer).toMatch(/do not answer/);
  });

  it.each(ODD_QUESTIONS.slice(0, 6))("POST /v1/search: %s", async (_name, query) => {
    const reply = await send({ path: "/v1/search", headers: JSON_TYPE, body: JSON.stringify({ query, k: 3 }) });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(reply.body.query).toBe(query.trim());
    expect(reply.body.results.length).toBeGreaterThan(0);
    await expectVerifies(reply.body.results);
  });

  it("a question over the limit is measured in the unit the limit counts", async () => {
    // MAX + 1 emoji are refused for being MAX + 1 code points, yet the message says 2 × (MAX + 1) "characters",
    // while MAX emoji (2 × MAX UTF-16 units) are accepted: the caller cannot tell how much to cut.
    const reply = await send({ path: "/v1/ask", headers: JSON_TYPE, body: JSON.stringify({ question: EMOJI.repeat(MAX + 1) }) });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe(`The field "question" is ${MAX + 1} characters long; the limit is ${MAX}.`);
  });

  it("k: null means the default k", async () => {
    const reply = await send({ path: "/v1/search", headers: JSON_TYPE, body: '{"query":"Euroclear","k":null}' });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toHaveLength(limits.defaultK);
  });
});

// ---------------------------------------------------------------------------
// The same table over MCP: an error result whose text starts with the same code and message.

const textOf = (result: any): string => result.content.map((c: { text: string }) => c.text).join("\n");

const MCP_CASES = BAD_REQUESTS.filter(
  (c) =>
    (c.path === "/v1/search" || c.path === "/v1/ask") &&
    c.method === undefined &&
    c.code === "invalid_request" &&
    typeof c.json === "object" &&
    c.json !== null &&
    !Array.isArray(c.json) &&
    !c.headers,
);

describe(`the same malformed arguments over MCP (${MCP_CASES.length} tool calls)`, () => {
  it.each(MCP_CASES.map((c) => [c.name, c] as const))("%s → an isError result with the HTTP error's code and message", async (_name, c) => {
    const tool = c.path === "/v1/search" ? "search_corpus" : "ask";
    const result: any = await mcp.callTool({ name: tool, arguments: c.json as Record<string, unknown> });
    expect(result.isError, textOf(result)).toBe(true);
    const http = await send(requestOf(c));
    expect(http.status).toBe(400);
    expect(textOf(result)).toBe(`${http.body.error.code}: ${http.body.error.message}`);
    expect(textOf(result)).toMatch(/^invalid_request: /);
  });

  it("10 000 emoji fit the /mcp body limit (64 kB), so the core refuses them as too long", async () => {
    const result: any = await mcp.callTool({ name: "ask", arguments: { question: EMOJI.repeat(10_000) } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(new RegExp(`^invalid_request: The field "question" is \\d+ characters long; the limit is ${MAX}\\.$`));
  });

  it.each(ODD_QUESTIONS.filter(([name]) => /NUL|surrogate|RTL|zero-width/.test(name)))("ask with %s → an answer or abstention whose citations verify", async (_name, question) => {
    const result: any = await mcp.callTool({ name: "ask", arguments: { question } });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(result.structuredContent.question).toBe(question.trim());
    await expectSoundAnswer(result.structuredContent);
  });

  it.fails("non-object arguments are refused with JSON-RPC's invalid-params code (known bug: -32603 internal error)", async () => {
    for (const args of ["a question", [EUROCLEAR], 42]) {
      const error = await mcp
        .request({ method: "tools/call", params: { name: "ask", arguments: args as never } }, CallToolResultSchema)
        .then(
          () => undefined,
          (e: { code?: number; message: string }) => e,
        );
      expect(error, JSON.stringify(args)).toBeDefined();
      expect(error!.message).not.toMatch(/\n\s+at /);
      // The SDK's own schema check answers -32603 (internal error) with a zod issue dump.
      expect(error!.code, `${JSON.stringify(args)}: ${error!.message.slice(0, 200)}`).toBe(JsonRpcCode.InvalidParams);
    }
  });

  it("non-object arguments leave the endpoint working", async () => {
    await mcp.request({ method: "tools/call", params: { name: "ask", arguments: "a question" as never } }, CallToolResultSchema).catch(() => undefined);
    const after: any = await mcp.callTool({ name: "get_document", arguments: { docId: DOC, start: 0, end: 10 } });
    expect(after.isError ?? false).toBe(false);
  });

  it("an unknown tool is an error, not a crash", async () => {
    const result: any = await mcp.callTool({ name: "rm_rf", arguments: {} }).catch((e: Error) => ({ isError: true, content: [{ text: e.message }] }));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/rm_rf/);
  });
});

describe("malformed MCP requests at the HTTP level: 4xx, never 5xx", () => {
  const MCP_HEADERS = { ...JSON_TYPE, accept: "application/json, text/event-stream" };
  const callTool = (question: string) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "ask", arguments: { question } } });

  it.each([
    ["not JSON", 400, "{", MCP_HEADERS],
    ["text/plain", 415, callTool(EUROCLEAR), { "content-type": "text/plain", accept: MCP_HEADERS.accept }],
    ["charset=latin1", 415, callTool(EUROCLEAR), { ...MCP_HEADERS, "content-type": "application/json; charset=latin1" }],
    ["a body over the 64 kB /mcp limit", 413, callTool("a".repeat(70_000)), MCP_HEADERS],
  ] as const)("%s → %i", async (_name, status, body, headers) => {
    const reply = await send({ path: "/mcp", headers, body });
    expect(reply.status, reply.text.slice(0, 300)).toBe(status);
    expect(reply.text).not.toMatch(/\n\s+at /);
  });

  it("a body over the 64 kB /mcp limit is reported with the /mcp limit", async () => {
    const reply = await send({ path: "/mcp", headers: MCP_HEADERS, body: callTool("a".repeat(70_000)) });
    expect(reply.status).toBe(413);
    expect(reply.text).toMatch(/64 kB/);
  });

  it("invalid UTF-8 bytes inside a tools/call string → 400", async () => {
    const body = Buffer.concat([Buffer.from(callTool("Euroclear ").slice(0, -4)), Buffer.from([0xff, 0xfe]), Buffer.from('"}}}')]);
    const reply = await send({ path: "/mcp", headers: MCP_HEADERS, body });
    expect(reply.status, reply.text.slice(0, 300)).toBe(400);
  });
});

// ---------------------------------------------------------------------------
// The CLI: a blank or overlong question ends with a clear message and a non-zero exit, no stack trace.

describe("the CLI (npm run ask) refuses blank and overlong questions", () => {
  const run = promisify(execFile);
  async function askCli(question: string) {
    try {
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/ask.ts", question], {
        cwd: root,
        env: { ...process.env, INDEX_DIR: SHARED_TEST_INDEX },
        timeout: 120_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it.each([
    ["an empty question", ""],
    ["a question of Unicode whitespace only", "\u00a0\u3000\u2003"],
  ])("%s → exit 2 with the usage line", async (_name, question) => {
    const result = await askCli(question);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe('Usage: npm run ask -- "your question" [--json]\n');
  });

  it(`a question of ${MAX + 1} characters → exit 1 with one sentence naming the limit`, async () => {
    const result = await askCli("q".repeat(MAX + 1));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^Error: The field "question" is ${MAX + 1} characters long; the limit is ${MAX}\\.$`, "m"));
    expect(result.stderr).not.toMatch(/Unexpected error|\n\s+at /);
  });
});
