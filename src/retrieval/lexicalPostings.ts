import type { Bm25Parameters, LexicalPostings } from "../store/indexParts.js";
import type { Span } from "../types.js";
import { timeSlices } from "../timeSlices.js";
import { isStopword, stem, tokenize } from "./terms.js";
import { termNumber } from "./vocabulary.js";

// The same parameters as MiniSearch, whose scores the lexical index reproduces
// exactly when no postings list is cut (test/retrieval/lexicalIndex.test.ts).
export const DEFAULT_BM25: Bm25Parameters = { k1: 1.2, b: 0.7, delta: 0.5 };

/** The indexed form of a token: stopwords are dropped, the rest stemmed. */
const indexTerm = (token: string): string | null => (isStopword(token) ? null : stem(token));

/** How often each indexed term occurs in the tokens: a chunk's term frequencies, a query's term multiplicities. */
export function termCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    const term = indexTerm(token);
    if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * Whole-word BM25+ postings with the same tokens, stopwords and stems as the
 * rest of the service, a run for every term of `vocabulary` (terms new to it
 * are numbered in it); worked out in time slices (see `timeSlices`). Built
 * after anything else that numbers terms, so that the runs cover them all.
 */
export async function buildLexicalPostings(
  chunks: readonly Span[],
  vocabulary = new Map<string, number>(),
  parameters: Partial<Bm25Parameters> = {},
): Promise<LexicalPostings> {
  const { k1, b, delta } = { ...DEFAULT_BM25, ...parameters };
  const slices = timeSlices();
  // Length is the number of distinct tokens, stopwords included (MiniSearch's measure).
  const lengths = new Float64Array(chunks.length);
  const frequencies = new Map<number, { ids: number[]; counts: number[] }>();
  for (const [id, chunk] of chunks.entries()) {
    if (slices.due()) await slices.pause();
    const tokens = tokenize(chunk.text);
    lengths[id] = new Set(tokens).size;
    for (const [term, count] of termCounts(tokens)) {
      const t = termNumber(vocabulary, term);
      let entry = frequencies.get(t);
      if (!entry) frequencies.set(t, (entry = { ids: [], counts: [] }));
      entry.ids.push(id);
      entry.counts.push(count);
    }
  }
  const averageLength = lengths.reduce((sum, l) => sum + l, 0) / Math.max(1, chunks.length);

  const termCount = vocabulary.size;
  const offsets = new Int32Array(termCount + 1);
  for (let t = 0; t < termCount; t++) offsets[t + 1] = offsets[t]! + (frequencies.get(t)?.ids.length ?? 0);
  const ids = new Int32Array(offsets[termCount]!);
  const scores = new Float32Array(offsets[termCount]!);
  for (const [t, { ids: chunkIds, counts }] of frequencies) {
    if (slices.due()) await slices.pause();
    const idf = Math.log(1 + (chunks.length - chunkIds.length + 0.5) / (chunkIds.length + 0.5));
    const contribution = chunkIds.map((id, i) => {
      const tf = counts[i]!;
      return idf * (delta + (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[id]!) / averageLength)));
    });
    const order = chunkIds.map((_, i) => i).sort((x, y) => contribution[y]! - contribution[x]! || chunkIds[x]! - chunkIds[y]!);
    order.forEach((i, rank) => {
      ids[offsets[t]! + rank] = chunkIds[i]!;
      scores[offsets[t]! + rank] = contribution[i]!;
    });
  }
  return { offsets, ids, scores, chunkCount: chunks.length };
}
