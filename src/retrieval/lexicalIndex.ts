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
  return {
    search(query, n) {
      return index
        .search(query)
        .slice(0, n)
        .map((r) => ({ id: r.id as number, score: r.score }));
    },
  };
}
