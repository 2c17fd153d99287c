import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { createRag, type Rag } from "../rag.js";
import { describeIndex, describeSkipped, progressReporter } from "../cli/progress.js";
import { fail } from "../cli/fail.js";
import { createMcpServer } from "./server.js";

// npm run --silent mcp: an MCP server on stdin/stdout for a client that starts it
// (Claude Desktop, an IDE). Stdout carries only protocol messages, so a stray
// console.log from this process or a library would break the client's parsing:
// every log goes to stderr, which clients show or keep as the server's log.
console.log = console.error;
console.info = console.error;
console.debug = console.error;

let rag: Rag | undefined;
let server: McpServer | undefined;
let stopping = false;

/** Once, whichever of a signal, the end of stdin or a broken stdout comes first. */
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await server?.close();
    await rag?.close();
  } finally {
    process.exit(0);
  }
}

try {
  rag = createRag();
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  const started = Date.now();
  await rag.load({
    onProgress: progressReporter(process.stderr),
    onSkipped: (skipped) => console.error(describeSkipped(skipped)),
    onIndex: (r) => console.error(describeIndex(r)),
  });
  // Connected only once loaded: the client's initialize waits in the pipe
  // meanwhile, and every tool call after it can be answered.
  server = createMcpServer(rag);
  await server.connect(new StdioServerTransport());
  // The client ends the session by closing our stdin (the transport does not
  // watch for that), or goes away so that writing to stdout fails.
  process.stdin.on("end", () => void stop());
  process.stdout.on("error", () => void stop());
  console.error(`cited-rag MCP server ready on stdio in ${Date.now() - started} ms.`);
} catch (error) {
  fail(error);
}
