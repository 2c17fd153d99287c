// How faithful the budgeted BM25 is to exact BM25 over the same chunks: the
// postings budget only cuts work on large corpora, and this says what it costs.
import { performance } from "node:perf_hooks";
import { createLexicalIndex, type LexicalIndex } from "../../src/retrieval/lexicalIndex.js";
import type { LoadedIndex } from "../../src/store/indexParts.js";
import { round, summarize, type Summary } from "./stats.js";

export interface LexicalFidelity {
  /** Mean over queries of Σ exact score of the returned top n / Σ exact score of the exact top n (1 = as good as exact). */
  scoreRecall: number;
  /** Mean share of the exact top n the budgeted index returns (near-ties make this lower than scoreRecall). */
  overlap: number;
  /** Exact BM25 top-n search time, for comparison with the budgeted stage. */
  exactMs: Summary;
}

export async function measureLexicalFidelity({ lexicalPostings, vocabulary }: LoadedIndex, budgeted: LexicalIndex, queries: string[], n = 30): Promise<LexicalFidelity> {
  const exact = await createLexicalIndex(lexicalPostings, vocabulary, { maxPostingsPerQuery: Infinity });
  let scoreRecall = 0;
  let overlap = 0;
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const best = exact.search(query, n);
    times.push(performance.now() - started);
    const exactScore = new Map(exact.search(query, lexicalPostings.chunkCount).map((h) => [h.id, h.score]));
    const got = budgeted.search(query, n);
    const bestTotal = best.reduce((sum, h) => sum + h.score, 0);
    scoreRecall += bestTotal > 0 ? got.reduce((sum, h) => sum + (exactScore.get(h.id) ?? 0), 0) / bestTotal : 1;
    const bestIds = new Set(best.map((h) => h.id));
    overlap += best.length > 0 ? got.filter((h) => bestIds.has(h.id)).length / best.length : 1;
  }
  return { scoreRecall: round(scoreRecall / queries.length, 3), overlap: round(overlap / queries.length, 3), exactMs: summarize(times) };
}
