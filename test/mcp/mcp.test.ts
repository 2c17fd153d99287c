import { execFile } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import express from "express";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolDefinitions } from "../../src/core/tools.js";
import { createRag, type Rag } from "../../src/rag.js";
import { mcpHttpHandler } from "../../src/mcp/http.js";
import { createMcpServer, documentUri } from "../../src/mcp/server.js";
import { SHARED_TEST_INDEX, startService, type RunningService } from "../helpers/server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BELGIAN = "Which Belgian institution holds the frozen Russian assets?";
const ASSETS_DOC = "tokyo-refuses-eu-russian-assets-plan";

let service: RunningService;
let httpServer: Server;
let mcpUrl: URL;
const clients: Record<"http" | "stdio", Client> = {} as never;
let stdio: StdioClientTransport;
let stdioLog = "";

beforeAll(async () => {
  // The stdio server loads its own copy of the index while this process loads the test service's.
  stdio = new StdioClientTransport({
    command: process.execPath,
    args: ["--import", "tsx", "src/mcp/stdio.ts"],
    cwd: root,
    env: { INDEX_DIR: SHARED_TEST_INDEX },
    stderr: "pipe",
  });
  // Drained so a chatty server cannot fill the pipe and stall; kept for failure messages.
  stdio.stderr?.on("data", (chunk: Buffer) => (stdioLog += chunk.toString()));
  clients.stdio = new Client({ name: "mcp-test-stdio", version: "1.0.0" });
  const stdioConnected = clients.stdio.connect(stdio);

  service = await startService();
  const app = express();
  app.all("/mcp", express.json({ limit: "64kb" }), mcpHttpHandler(service.rag));
  httpServer = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  mcpUrl = new URL(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/mcp`);
  clients.http = new Client({ name: "mcp-test-http", version: "1.0.0" });
  await clients.http.connect(new StreamableHTTPClientTransport(mcpUrl));
  await stdioConnected.catch((error: unknown) => {
    throw new Error(`The stdio server did not start: ${String(error)}\n${stdioLog}`);
  });
});

afterAll(async () => {
  await clients.http?.close();
  await clients.stdio?.close();
  if (httpServer) await new Promise((resolve) => httpServer.close(resolve));
  await service?.close();
});

const textOf = (result: any): string => result.content.map((c: { text: string }) => c.text).join("\n");

/** Every span's text is the document's text between its offsets. */
function expectVerbatim(rag: Rag, spans: { docId: string; start: number; end: number; text: string }[]) {
  for (const s of spans) expect(rag.getDocument(s.docId).text.slice(s.start, s.end), `${s.docId} ${s.start}–${s.end}`).toBe(s.text);
}

describe.each(["http", "stdio"] as const)("MCP over %s, driven by the SDK's Client", (transport) => {
  const client = () => clients[transport];

  it("lists the three tools with their descriptions, the core's input schemas and output schemas", async () => {
    const { tools } = await client().listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["ask", "get_document", "search_corpus"]);
    for (const definition of toolDefinitions(service.rag.config)) {
      const tool = tools.find((t) => t.name === definition.name)!;
      expect(tool.description).toBe(definition.description);
      expect(tool.inputSchema).toMatchObject(definition.parameters);
      expect(tool.outputSchema?.type).toBe("object");
    }
    const ask = tools.find((t) => t.name === "ask")!;
    expect(ask.inputSchema.required).toEqual(["question"]);
    expect(ask.outputSchema?.required).toEqual(expect.arrayContaining(["answerable", "answer", "citations"]));
  });

  it("answers a question about the corpus with [n] markers, a source list and verifiable citations", async () => {
    const result: any = await client().callTool({ name: "ask", arguments: { question: BELGIAN } });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const output = result.structuredContent;
    expect(output.answerable).toBe(true);
    expect(output.answer).toContain("Euroclear");
    expect(output.citations.length).toBeGreaterThan(0);
    expectVerbatim(service.rag, output.citations);
    const text = textOf(result);
    expect(text).toContain("Euroclear");
    expect(text).toMatch(/\[1\]/);
    expect(text).toMatch(new RegExp(`Sources:\\n\\[1\\] .+ \\(${output.citations[0].docId}, characters \\d+–\\d+\\): "`));
  });

  it("says the documents do not answer an unanswerable question", async () => {
    const result: any = await client().callTool({ name: "ask", arguments: { question: "What is the boiling point of mercury?" } });
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent.answerable).toBe(false);
    expect(textOf(result)).toMatch(/do not answer this question.*Say you don't know/);
  });

  it("searches the corpus for verbatim passages", async () => {
    const result: any = await client().callTool({ name: "search_corpus", arguments: { query: "Sakhalin oil and gas projects", k: 3 } });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const { results } = result.structuredContent;
    expect(results).toHaveLength(3);
    expectVerbatim(service.rag, results);
    expect(textOf(result)).toMatch(/^\[1\] .+ \(.+, characters \d+–\d+\)\n/);
  });

  it("reads exactly the slice of a document between start and end", async () => {
    const result: any = await client().callTool({ name: "get_document", arguments: { docId: ASSETS_DOC, start: 268, end: 591 } });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const text = service.rag.getDocument(ASSETS_DOC).text;
    expect(result.structuredContent).toMatchObject({ docId: ASSETS_DOC, start: 268, end: 591, length: text.length, text: text.slice(268, 591) });
    expect(textOf(result)).toContain(text.slice(268, 591));
  });

  it.each([
    ["ask", { question: "" }, /^invalid_request: The field "question" must not be empty\.$/],
    ["ask", {}, /^invalid_request: The field "question" is required\.$/],
    ["search_corpus", { query: "Euroclear", k: 0 }, /^invalid_request: The field "k" must be an integer from 1 to 50, not number 0\.$/],
    ["ask", { question: BELGIAN, k: "five" }, /^invalid_request: The field "k" must be an integer from 1 to 50, not "five"\.$/],
    ["get_document", { docId: "no-such-document" }, /^not_found: No document has the id "no-such-document"/],
    ["get_document", { docId: ASSETS_DOC, start: 591, end: 268 }, /^invalid_request: The range 591–268 is outside the document/],
  ])("answers %s with bad arguments %j by an error result, and keeps working", async (name, args, message) => {
    const result: any = await client().callTool({ name, arguments: args });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    const after: any = await client().callTool({ name: "get_document", arguments: { docId: ASSETS_DOC, start: 0, end: 10 } });
    expect(after.isError ?? false).toBe(false);
  });

  it("lists every document as a resource and reads its text, the string citation offsets index into", async () => {
    const { resources } = await client().listResources();
    const documents = service.rag.listDocuments();
    expect(resources.map((r) => r.name).sort()).toEqual(documents.map((d) => d.docId).sort());
    for (const d of documents) {
      expect(resources.find((r) => r.name === d.docId)).toMatchObject({ uri: documentUri(d.docId), title: d.title, mimeType: "text/plain" });
    }
    const { contents } = await client().readResource({ uri: documentUri(ASSETS_DOC) });
    expect(contents).toEqual([{ uri: documentUri(ASSETS_DOC), mimeType: "text/plain", text: service.rag.getDocument(ASSETS_DOC).text }]);
    const { resourceTemplates } = await client().listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["cited-rag://documents/{docId}"]);
  });

  it("refuses to read an unknown document with the service's error code", async () => {
    await expect(client().readResource({ uri: documentUri("no-such-document") })).rejects.toThrow(/not_found: No document has the id "no-such-document"/);
    await expect(client().ping()).resolves.toBeDefined();
  });
});

describe("MCP over HTTP, stateless", () => {
  it.each(["GET", "DELETE"])("answers %s with 405 and a JSON-RPC error", async (method) => {
    const response = await fetch(mcpUrl, { method, headers: { accept: "application/json, text/event-stream" } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32000, message: expect.stringContaining("POST") }, id: null });
  });
});

describe("MCP server errors (in memory)", () => {
  async function connect(rag: Rag, log: (message: string) => void = () => {}) {
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(rag, log).connect(serverSide);
    const client = new Client({ name: "mcp-test-memory", version: "1.0.0" });
    await client.connect(clientSide);
    return client;
  }

  it("says the service is still loading, for tools and resources alike", async () => {
    const client = await connect(createRag({ indexDir: SHARED_TEST_INDEX }));
    try {
      const result: any = await client.callTool({ name: "ask", arguments: { question: BELGIAN } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^not_ready: The service is still loading/);
      await expect(client.listResources()).rejects.toThrow(/not_ready: The service is still loading/);
    } finally {
      await client.close();
    }
  });

  it("reports an unforeseen failure as internal_error without its details, and logs them", async () => {
    const logged: string[] = [];
    const broken: Rag = { ...service.rag, search: async () => Promise.reject(new Error("disk on fire")) };
    const client = await connect(broken, (message) => logged.push(message));
    try {
      const result: any = await client.callTool({ name: "search_corpus", arguments: { query: "Euroclear" } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe("internal_error: The server hit an unexpected error; it has been logged.");
      expect(logged.join("\n")).toContain("disk on fire");
    } finally {
      await client.close();
    }
  });
});

describe("MCP over stdio, process lifetime", () => {
  it("fails to start with one clear sentence on stderr and exit code 1, stdout untouched", async () => {
    const run = promisify(execFile);
    const failed = await run(process.execPath, ["--import", "tsx", "src/mcp/stdio.ts"], {
      cwd: root,
      env: { ...process.env, INDEX_DIR: SHARED_TEST_INDEX, CHUNK_MAX_CHARS: "lots" },
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe("");
    expect(failed?.stderr).toMatch(/^Error: .*CHUNK_MAX_CHARS/);
  });

  it("exits promptly once the client closes its stdin", async () => {
    const pid = stdio.pid!;
    const started = Date.now();
    await clients.stdio.close();
    // The SDK's transport waits 2 s for the exit before it sends SIGTERM.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(stdioLog).toContain("cited-rag MCP server ready on stdio");
  });
});
