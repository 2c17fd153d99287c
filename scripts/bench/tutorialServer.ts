// The LangChain tutorial default behind Express, the peer the latency goals
// compare against: same model, same HTTP stack, its own retrieval.
import type { Server } from "node:http";
import express from "express";
import type { RagConfig } from "../../src/config.js";
import { createLangChainTutorialBaseline } from "../../src/eval/baselines/langchainTutorial.js";

export async function startTutorialServer(config: RagConfig): Promise<{ url: string; close(): Promise<void> }> {
  const system = await createLangChainTutorialBaseline(config);
  const app = express();
  app.use(express.json());
  app.post("/v1/search", async (req, res) => {
    res.json({ query: req.body.query, ...(await system.search(String(req.body.query), Number(req.body.k ?? 4))) });
  });
  app.post("/v1/ask", async (req, res) => {
    res.json({ question: req.body.question, ...(await system.ask(String(req.body.question))) });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
