import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { TutorialEmbeddings } from "./tutorialEmbeddings.js";
import { loadCorpus } from "../../../src/ingest/loadCorpus.js";
import type { EvaluatedSystem } from "../system.js";
import { splitTutorialChunks, tutorialSystem, type ChunkDocument } from "./tutorialChunks.js";

/** The stock LangChain RAG tutorial: 1000/200 recursive chunks, HNSWLib over LangChain's transformers.js embeddings, k=4. */
export async function createLangChainTutorialBaseline(options: {
  corpusDir: string;
  modelsDir: string;
  modelId: string;
  quantized: boolean;
}): Promise<EvaluatedSystem> {
  const { documents } = await loadCorpus(options.corpusDir);
  const chunks = await splitTutorialChunks(documents);
  const embeddings = await TutorialEmbeddings.load(options);
  const store = await HNSWLib.fromDocuments(chunks, embeddings);
  return tutorialSystem("LangChain tutorial (1000/200, HNSWLib, k=4)", documents, async (query, k) =>
    // HNSWLib's "cosine" space returns the distance 1 - cosine similarity.
    (await store.similaritySearchWithScore(query, k)).map(([chunk, distance]) => ({
      chunk: chunk as ChunkDocument,
      score: 1 - distance,
    })),
  );
}
