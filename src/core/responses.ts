import type { Passage } from "../retrieval/retrieve.js";
import type { SearchResponse, SourceLocation, Span } from "../types.js";

/** Scores rank results within one response; four decimals say all that ranking needs. */
const roundScore = (score: number) => Math.round(score * 10_000) / 10_000;

/** The contract's search response: ranked passages, internal measures left out. */
export function toSearchResponse(query: string, passages: readonly Passage[], locate: (span: Span) => SourceLocation): SearchResponse {
  return {
    query,
    results: passages.map((p, i) => ({
      rank: i + 1,
      docId: p.docId,
      title: p.title,
      start: p.start,
      end: p.end,
      text: p.text,
      score: roundScore(p.score),
      ...locate(p),
    })),
  };
}
