import { describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createMcpServer } from "../../src/mcp/server.js";
import { createRag, type Rag } from "../../src/rag.js";

// An MCP client's cancellation reaches the core as an aborted signal, as a closed SSE stream does.
describe("MCP cancellation", () => {
  it("aborts the ask the client cancels", async () => {
    let signal: AbortSignal | undefined;
    let started!: () => void;
    const asked = new Promise<void>((resolve) => (started = resolve));
    const base = createRag();
    const rag: Rag = {
      ...base,
      ask: (_body, options) =>
        new Promise((_resolve, reject) => {
          signal = options?.signal;
          started();
          signal?.addEventListener("abort", () => reject(signal!.reason));
        }),
    };
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer(rag, () => {});
    await server.connect(serverSide);
    const client = new Client({ name: "cancel-test", version: "1.0.0" });
    await client.connect(clientSide);
    try {
      const controller = new AbortController();
      const call = client.callTool({ name: "ask", arguments: { question: "Which institution holds the assets?" } }, undefined, { signal: controller.signal });
      await asked;
      controller.abort();
      await expect(call).rejects.toThrow();
      await expect.poll(() => signal?.aborted).toBe(true);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
