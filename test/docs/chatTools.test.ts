import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SHARED_TEST_INDEX, startService, type RunningService } from "../helpers/server.js";
import type { AskResponse } from "../../src/schemas.js";

// Runs every snippet of docs/CHAT-TOOLS.md against a real server, so the page cannot rot.

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DOC_URL = "http://localhost:3000";
let service: RunningService;
let blocks: { lang: string; tag: string; body: string }[];

beforeAll(async () => {
  service = await startService();
  const page = await readFile(path.join(root, "docs/CHAT-TOOLS.md"), "utf8");
  blocks = [...page.matchAll(/```(\w+)(?: ([^\n]*))?\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, tag: m[2] ?? "", body: m[3]! }));
});
afterAll(async () => {
  await service?.close();
});

const local = (text: string) => text.replaceAll(DOC_URL, service.baseUrl).replaceAll("/path/to/cited-rag", root);

function expectVerified(answer: AskResponse) {
  expect(answer.answerable).toBe(true);
  for (const c of answer.citations) expect(service.rag.getDocument(c.docId).text.slice(c.start, c.end)).toBe(c.text);
}

async function askOverMcp(client: Client) {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual(["ask", "get_document", "search_corpus"]);
  const result = await client.callTool({ name: "ask", arguments: { question: "Which Belgian institution holds the frozen Russian assets?" } });
  expectVerified(result.structuredContent as AskResponse);
}

describe("docs/CHAT-TOOLS.md", () => {
  it("runs every shell snippet", async () => {
    const shell = blocks.filter((b) => b.lang === "sh");
    expect(shell.length).toBeGreaterThanOrEqual(3);
    for (const block of shell) {
      const { stdout } = await run("bash", ["-euo", "pipefail", "-c", local(block.body)], { timeout: 60_000 });
      expect(stdout.length, block.body).toBeGreaterThan(0);
      if (block.body.includes("event-stream")) expect(stdout).toMatch(/event: passages[\s\S]*event: answer[\s\S]*event: done/);
    }
  });

  it("keeps every embedded file identical to the file it shows, and runs the tool-calling loop", async () => {
    const files = blocks.filter((b) => b.tag.startsWith("file="));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const block of files) {
      const file = block.tag.slice("file=".length);
      expect(block.body.trimEnd(), file).toBe((await readFile(path.join(root, file), "utf8")).trimEnd());
    }
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/examples/tool-calling-loop.ts", "Which Belgian institution holds the frozen Russian assets?"], {
      cwd: root,
      env: { ...process.env, CITED_RAG_URL: service.baseUrl },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/model calls ask/);
    expect(stdout).toMatch(/Euroclear[\s\S]*\[1\]/);
    // scripts/examples/langchain-agent.ts is run by test/langchain/langchain.test.ts.
  });

  it("connects an MCP client with the HTTP configuration", async () => {
    const config = JSON.parse(local(blocks.find((b) => b.tag === "mcp-http")!.body));
    const client = new Client({ name: "docs-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(config.mcpServers["cited-rag"].url)));
    try {
      await askOverMcp(client);
    } finally {
      await client.close();
    }
  });

  it("starts the MCP server with the stdio configuration", async () => {
    const server = JSON.parse(local(blocks.find((b) => b.tag === "mcp-stdio")!.body)).mcpServers["cited-rag"];
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      env: { ...(process.env as Record<string, string>), INDEX_DIR: SHARED_TEST_INDEX },
      stderr: "ignore",
    });
    const client = new Client({ name: "docs-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      await askOverMcp(client);
    } finally {
      await client.close();
    }
  }, 120_000);
});
