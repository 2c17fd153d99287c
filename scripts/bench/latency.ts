// Where the time of one query goes, stage by stage, in-process; and the same
// queries end to end over HTTP, one at a time.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { extractAnswer } from "../../src/answer/extractAnswer.js";
import type { Rag } from "../../src/rag.js";
import { retrieve } from "../../src/retrieval/retrieve.js";
import { createSentenceScorer } from "../../src/retrieval/scoreSentences.js";
import { summarize, timeEach, type Summary } from "./stats.js";

export type Stage = "embed" | "dense" | "lexical" | "fusionAndRerank" | "answer";

export async function measureStages(rag: Rag, texts: string[], k = 5): Promise<Record<Stage, Summary>> {
  const { embedder, retrieval, documentContext, retrievalOptions, answerOptions, sentenceWeights } = rag.internals();
  const times: Record<Stage, number[]> = { embed: [], dense: [], lexical: [], fusionAndRerank: [], answer: [] };
  const n = Math.max(k, retrievalOptions.candidates);
  for (const text of texts) {
    let t = performance.now();
    const [vector] = await embedder.embed([text]);
    times.embed.push(performance.now() - t);
    t = performance.now();
    await retrieval.index.chunkStore.search(vector!, n);
    const dense = performance.now() - t;
    t = performance.now();
    retrieval.lexical.search(text, n);
    const lexical = performance.now() - t;
    t = performance.now();
    const scorer = createSentenceScorer(retrieval.index, retrieval.lookup, text, vector!, sentenceWeights);
    const passages = await retrieve(retrieval, text, vector!, k, scorer, retrievalOptions);
    // retrieve() runs both first stages itself; what it adds beyond them is fusion, rerank and merging.
    times.fusionAndRerank.push(Math.max(0, performance.now() - t - dense - lexical));
    times.dense.push(dense);
    times.lexical.push(lexical);
    t = performance.now();
    extractAnswer(text, passages, retrieval.index, retrieval.lookup, scorer, documentContext, answerOptions);
    times.answer.push(performance.now() - t);
  }
  return Object.fromEntries(Object.entries(times).map(([stage, values]) => [stage, summarize(values)])) as Record<Stage, Summary>;
}

/**
 * Sequential requests over HTTP, each with its own text, timed one by one; a non-200 answer aborts the benchmark.
 * The client is node:http with a keep-alive agent: on this machine undici's fetch spends
 * about 1.7 ms more per request than node:http does, a cost of the client, not of the service.
 */
export async function timeHttp(url: string, path: "/v1/search" | "/v1/ask", texts: string[]): Promise<number[]> {
  const field = path === "/v1/search" ? "query" : "question";
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    return await timeEach(texts, async (text) => {
      const { status, body } = await post(agent, new URL(path, url), JSON.stringify({ [field]: text }));
      if (status !== 200) throw new Error(`${path} answered ${status} for ${JSON.stringify(text)}: ${body}`);
    });
  } finally {
    agent.destroy();
  }
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}
