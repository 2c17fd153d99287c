// The LangChain peer the latency and throughput goals compare against: the
// stock LangChain.js RAG set-up as a user of @langchain/community would deploy
// it behind Express. LangChain's own `HuggingFaceTransformersEmbeddings`
// (same model, the same int8 file through `dtype: "q8"`), HNSWLib, the
// tutorial's RecursiveCharacterTextSplitter 1000/200 over the corpus, built at
// start. It runs on the transformers.js a user of @langchain/community 1.1
// gets, 3.x: `useTransformersV3.ts`, preloaded in this process only, maps
// `@huggingface/transformers` to the `transformers-v3` alias. It runs as its
// own process (`startServer({ command: "langchainPeer" })`), as ours does.
//
// GET /readyz, GET /runtime (the transformers.js LangChain actually loaded),
// POST /v1/search {query, k=4} → similaritySearchWithScore, POST /v1/ask
// {question} → the tutorial's answer from its 4 chunks.
import express from "express";
import { HuggingFaceTransformersEmbeddings } from "@langchain/community/embeddings/huggingface_transformers";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { env, Pipeline } from "transformers-v3";
import { resolveConfig } from "../../src/config.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { splitTutorialChunks, tutorialSystem, TUTORIAL_ASK_K, type ChunkDocument } from "../eval/baselines/tutorialChunks.js";
import { packageOf, type RuntimeInfo } from "./runtimes.js";

const config = resolveConfig({}, process.env);
// Set on the module instance LangChain imports: with the hook, its
// `import("@huggingface/transformers")` is this very module.
env.localModelPath = config.modelsDir;
env.allowRemoteModels = false;
env.allowLocalModels = true;

const { documents } = await loadCorpus(config.corpusDir);
const chunks = await splitTutorialChunks(documents);
const embeddings = new HuggingFaceTransformersEmbeddings({ model: config.modelId, pretrainedOptions: { dtype: config.quantized ? "q8" : "fp32" } });
const store = await HNSWLib.fromDocuments(chunks, embeddings);

// Which transformers.js LangChain's class actually loaded: its pipeline must be
// one of transformers-v3's, or the comparison would not be the one it claims.
const pipe = await (embeddings as unknown as { pipelinePromise: Promise<unknown> | null }).pipelinePromise;
if (!(pipe instanceof Pipeline)) {
  throw new Error("LangChain's HuggingFaceTransformersEmbeddings did not load its pipeline from transformers-v3: is the resolve hook (useTransformersV3.ts) preloaded?");
}
const runtime = {
  specifier: "@huggingface/transformers",
  package: await packageOf(import.meta.resolve("@huggingface/transformers")),
  envVersion: env.version,
} satisfies RuntimeInfo;

const system = tutorialSystem("LangChain peer (HuggingFaceTransformersEmbeddings, 1000/200, HNSWLib)", documents, async (query, k) =>
  // HNSWLib's "cosine" space returns the distance 1 - cosine similarity.
  (await store.similaritySearchWithScore(query, k)).map(([chunk, distance]) => ({ chunk: chunk as ChunkDocument, score: 1 - distance })),
);

const app = express();
app.use(express.json());
app.get("/readyz", (_req, res) => {
  res.json({ status: "ready" });
});
app.get("/runtime", (_req, res) => {
  res.json({ ...runtime, chunks: chunks.length });
});
app.post("/v1/search", async (req, res) => {
  res.json({ query: req.body.query, ...(await system.search(String(req.body.query), Number(req.body.k ?? TUTORIAL_ASK_K))) });
});
app.post("/v1/ask", async (req, res) => {
  res.json({ question: req.body.question, ...(await system.ask(String(req.body.question))) });
});
// Listening only once the index is built: the process is ready when it answers.
app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1");
