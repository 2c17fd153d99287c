// The LangChain tutorial default behind Express, the peer the latency goals
// compare against: same model, same HTTP stack, its own retrieval. It runs as
// its own process (`startServer({ command: "tutorial" })`), as ours does: in
// the benchmark's process, its client and server would share one event loop
// and skip the cross-process hand-offs every deployed server pays.
import express from "express";
import { resolveConfig } from "../../src/config.js";
import { createLangChainTutorialBaseline } from "../eval/baselines/langchainTutorial.js";

const system = await createLangChainTutorialBaseline(resolveConfig({}, process.env));
const app = express();
app.use(express.json());
app.get("/readyz", (_req, res) => {
  res.json({ status: "ready" });
});
app.post("/v1/search", async (req, res) => {
  res.json({ query: req.body.query, ...(await system.search(String(req.body.query), Number(req.body.k ?? 4))) });
});
app.post("/v1/ask", async (req, res) => {
  res.json({ question: req.body.question, ...(await system.ask(String(req.body.question))) });
});
// Listening only once the model is loaded: the process is ready when it answers.
app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1");
