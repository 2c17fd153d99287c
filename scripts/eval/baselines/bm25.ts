import { BM25Retriever } from "@langchain/community/retrievers/bm25";
import { loadCorpus } from "../../../src/ingest/loadCorpus.js";
import type { EvaluatedSystem } from "../system.js";
import { splitTutorialChunks, tutorialSystem, type ChunkDocument } from "./tutorialChunks.js";

/** LangChain's BM25Retriever over the tutorial's 1000/200 chunks. */
export async function createBm25Baseline(options: { corpusDir: string }): Promise<EvaluatedSystem> {
  const { documents } = await loadCorpus(options.corpusDir);
  const chunks = await splitTutorialChunks(documents);
  return tutorialSystem("LangChain BM25Retriever (same chunks)", documents, async (query, k) => {
    // The retriever only holds the chunk list and scores everything per query, so one per k costs nothing.
    const found = await BM25Retriever.fromDocuments(chunks, { k }).invoke(query);
    // It returns no scores by default: rank order is all it gives.
    return found.map((chunk, i) => ({ chunk: chunk as ChunkDocument, score: 1 / (i + 1) }));
  });
}
