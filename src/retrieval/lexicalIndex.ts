import MiniSearch from "minisearch";
import type { Span } from "../types.js";
import { isStopword, stem, tokenize } from "./terms.js";

export interface LexicalHit {
  id: number;
  score: number;
}

export interface LexicalIndex {
  /** BM25 over chunk texts; ids are chunk row ids. */
  search(query: string, n: number): LexicalHit[];
}

// A term in more than this share of chunks barely moves BM25 scores, yet
// MiniSearch scores and sorts every chunk that holds it: "japan" in a large
// corpus about Japan makes each query touch nearly every chunk.
const COMMON_TERM_SHARE = 0.1;
// Below this many chunks a scan is cheap, and pruning would only change rankings.
const COMMON_TERM_MIN_CHUNKS = 500;

/** The query's words less those too common to matter, unless that would leave none. */
function withoutCommonTerms(query: string, processTerm: (t: string) => string | null, df: ReadonlyMap<string, number>, commonAbove: number): string {
  const words = tokenize(query);
  const kept = words.filter((word) => {
    const term = processTerm(word);
    return term !== null && (df.get(term) ?? 0) <= commonAbove;
  });
  return (kept.length > 0 ? kept : words).join(" ");
}

/** Whole-word BM25 (MiniSearch) with the same tokens, stopwords and stems as the rest of the service. */
export function createLexicalIndex(chunks: Span[]): LexicalIndex {
  const processTerm = (term: string) => (isStopword(term) ? null : stem(term));
  const index = new MiniSearch<{ id: number; text: string }>({
    fields: ["text"],
    tokenize,
    processTerm,
    searchOptions: { tokenize, processTerm, combineWith: "OR" },
  });
  index.addAll(chunks.map((c, id) => ({ id, text: c.text })));
  const documentFrequency = new Map<string, number>();
  for (const chunk of chunks) {
    for (const term of new Set(tokenize(chunk.text).map(processTerm))) if (term) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const commonAbove = Math.max(COMMON_TERM_MIN_CHUNKS, COMMON_TERM_SHARE * chunks.length);
  return {
    search(query, n) {
      return index
        .search(withoutCommonTerms(query, processTerm, documentFrequency, commonAbove))
        .slice(0, n)
        .map((r) => ({ id: r.id as number, score: r.score }));
    },
  };
}
