import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Document } from "@langchain/core/documents";
import { ToolMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, verifyCitationAgainst, type CitedRagClient } from "../../src/client/index.js";
import { chatTools } from "../../src/core/tools.js";
import { createAskTool, REMOTE_LIMITS } from "../../src/langchain/askTool.js";
import { CitedRagRetriever } from "../../src/langchain/retriever.js";
import { AskResponseSchema } from "../../src/schemas.js";
import { startService, type RunningService } from "../helpers/server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const QUESTION = "Which Russian diplomat did Foreign Minister Hayashi summon?";

const run = promisify(execFile);

/** Runs the example script; resolves with its exit code and output whether it succeeds or not. */
async function runExample(baseUrl: string, question: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/examples/langchain-agent.ts", question], {
      cwd: root,
      env: { ...process.env, CITED_RAG_URL: baseUrl },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** A proxy that serves every document with one character more at the start, so no citation matches any longer. */
async function startShiftingProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const response = await fetch(upstream + req.url, {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "application/json", accept: req.headers.accept ?? "application/json" },
      ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
    });
    let body = await response.text();
    if (req.url?.startsWith("/v1/documents/") && response.ok) {
      const document = JSON.parse(body);
      body = JSON.stringify({ ...document, text: `X${document.text}` });
    }
    res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("LangChain integration", () => {
  let service: RunningService;
  let client: CitedRagClient;

  beforeAll(async () => {
    service = await startService();
    client = createClient({ baseUrl: service.baseUrl });
  });
  afterAll(async () => {
    await service?.close();
  });

  describe("CitedRagRetriever", () => {
    it("in-process: Documents whose metadata.citation verifies", async () => {
      const documents = await new CitedRagRetriever({ source: service.rag, k: 3 }).invoke("Sakhalin oil and gas projects");
      expect(documents.length).toBeGreaterThan(0);
      expect(documents.length).toBeLessThanOrEqual(3);
      for (const [i, document] of documents.entries()) {
        expect(document).toBeInstanceOf(Document);
        const { citation, docId, start, end, rank, title, score } = document.metadata;
        expect(rank).toBe(i + 1);
        expect(typeof score).toBe("number");
        expect(title).toBe(service.rag.getDocument(docId).title);
        expect(citation).toEqual({ docId, start, end, text: document.pageContent });
        expect(verifyCitationAgainst(service.rag.getDocument(docId).text, citation)).toEqual({ valid: true });
        expect(await client.verifyCitation(citation)).toEqual({ valid: true });
      }
    });

    it("remote: the same Documents over HTTP", async () => {
      const query = "Sakhalin oil and gas projects";
      const remote = await new CitedRagRetriever({ source: client, k: 3 }).invoke(query);
      const local = await new CitedRagRetriever({ source: service.rag, k: 3 }).invoke(query);
      expect(remote.map((d) => d.metadata)).toEqual(local.map((d) => d.metadata));
      for (const document of remote) expect(await client.verifyCitation(document.metadata.citation)).toEqual({ valid: true });
    });

    it("uses the service's default k when none is given", async () => {
      const documents = await new CitedRagRetriever({ source: client }).invoke("Japan sanctions against Russia");
      expect(documents.length).toBeGreaterThan(0);
      expect(documents.length).toBeLessThanOrEqual(service.rag.config.defaultK);
    });

    it("passes the service's errors on", async () => {
      await expect(new CitedRagRetriever({ source: client }).invoke("  ")).rejects.toMatchObject({ code: "invalid_request" });
      await expect(new CitedRagRetriever({ source: service.rag }).invoke("  ")).rejects.toMatchObject({ code: "invalid_request" });
    });
  });

  describe("the ask tool", () => {
    it("has the tool table's name, description and schema, with limits of its source", () => {
      const remote = createAskTool(client);
      const local = createAskTool(service.rag);
      expect(remote.name).toBe("ask");
      expect(remote.description).toBe(chatTools(REMOTE_LIMITS).ask.description);
      expect(local.description).toBe(chatTools(service.rag.config).ask.description);
      expect(remote.schema.shape.k.description).toContain(`1 to ${REMOTE_LIMITS.maxK}`);
      expect(local.schema.shape.k.description).toContain(`1 to ${service.rag.config.maxK}`);
      const custom = createAskTool(client, { limits: { defaultK: 3, maxK: 7, maxQueryChars: 100 } });
      expect(custom.schema.shape.k.description).toContain("1 to 7");
    });

    for (const kind of ["remote", "in-process"] as const) {
      it(`${kind}: invoked with arguments, returns the rendered answer with [1] and a source list`, async () => {
        const askTool = createAskTool(kind === "remote" ? client : service.rag);
        const text = await askTool.invoke({ question: QUESTION });
        // Typed as the [content, artifact] pair the function returns; LangChain hands back only the content without a tool call.
        expect(typeof text).toBe("string");
        expect(text).toContain("Galuzin");
        expect(text).toMatch(/\[1\]/);
        expect(text).toMatch(/\n\nSources:\n\[1\] .+ \(diplomatic-bluebook-2023-japans-response, characters \d+–\d+\): "/);
      });

      it(`${kind}: called as a ToolCall, returns a ToolMessage with the AskResponse as artifact`, async () => {
        const askTool = createAskTool(kind === "remote" ? client : service.rag);
        const message = await askTool.invoke({ id: "call_42", name: "ask", args: { question: QUESTION, k: 3 }, type: "tool_call" });
        expect(message).toBeInstanceOf(ToolMessage);
        expect(message.tool_call_id).toBe("call_42");
        expect(message.name).toBe("ask");
        const response = AskResponseSchema.parse(message.artifact);
        expect(response.answerable).toBe(true);
        expect(message.content).toBe(chatTools(REMOTE_LIMITS).ask.render(response));
        expect(message.content).toContain("[1]");
        expect(message.content).toContain("Sources:\n[1]");
        for (const citation of response.citations) expect(await client.verifyCitation(citation)).toEqual({ valid: true });
      });
    }

    it("tells the model to say it does not know when the documents do not answer", async () => {
      const text = await createAskTool(client).invoke({ question: "What is the boiling point of ethanol?" });
      expect(text).toMatch(/^The documents do not answer this question \(answerable: false\)/);
    });

    it("refuses arguments its schema does not allow before calling the service", async () => {
      await expect(createAskTool(client).invoke({ question: "   " })).rejects.toThrow(/did not match expected schema/);
      await expect(createAskTool(client).invoke({ question: QUESTION, k: REMOTE_LIMITS.maxK + 1 })).rejects.toThrow(/did not match expected schema/);
    });
  });

  describe("the example agent (scripts/examples/langchain-agent.ts)", () => {
    it("answers with citations that verify, and exits 0", async () => {
      const { code, stdout, stderr } = await runExample(service.baseUrl, QUESTION);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toContain('Model calls ask({"question":');
      expect(stdout).toContain("Galuzin");
      expect(stdout).toMatch(/Citations:\n {2}✓ \[1\] diplomatic-bluebook-2023-japans-response/);
      expect(stdout).not.toContain("✗");
    });

    it("exits 1 when the citations do not match the documents served", async () => {
      const proxy = await startShiftingProxy(service.baseUrl);
      try {
        const { code, stdout, stderr } = await runExample(proxy.url, QUESTION);
        expect(code).toBe(1);
        expect(stdout).toContain("✗ [1]");
        expect(stderr).toMatch(/citation\(s\) do not match their documents/);
      } finally {
        await proxy.close();
      }
    });

    it("exits 2 when the service cannot be reached", async () => {
      const { code, stderr } = await runExample("http://127.0.0.1:1", QUESTION);
      expect(code).toBe(2);
      expect(stderr).toContain("could not be used");
    });
  });
});
