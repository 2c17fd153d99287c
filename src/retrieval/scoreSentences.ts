import { dot } from "../embed/embedder.js";
import type { LoadedIndex } from "../store/indexParts.js";
import type { SentenceLookup } from "./sentenceLookup.js";
import { contentTerms } from "./terms.js";

export interface SentenceScore {
  /** Cosine similarity of question and sentence embeddings. */
  dense: number;
  /** Share of the question's idf weight whose terms the sentence contains (0..1). */
  lexical: number;
  score: number;
}

/**
 * Scores sentences against one question, memoised: the reranker and the answer
 * extractor look at the same sentences and must agree on their scores.
 */
export function createSentenceScorer(
  index: LoadedIndex,
  lookup: SentenceLookup,
  question: string,
  questionVector: Float32Array,
  lexicalWeight: number,
): (sentenceId: number) => SentenceScore {
  const terms = contentTerms(question);
  const weights = terms.map((t) => lookup.idf(t));
  const total = weights.reduce((a, b) => a + b, 0);
  const dims = index.manifest.dimensions;
  const memo = new Map<number, SentenceScore>();
  return (id) => {
    let cached = memo.get(id);
    if (!cached) {
      const dense = dot(questionVector, index.sentenceVectors.subarray(id * dims, (id + 1) * dims));
      const has = lookup.terms(id);
      const lexical = total > 0 ? terms.reduce((sum, t, i) => sum + (has.has(t) ? weights[i]! : 0), 0) / total : 0;
      cached = { dense, lexical, score: dense + lexicalWeight * lexical };
      memo.set(id, cached);
    }
    return cached;
  };
}
