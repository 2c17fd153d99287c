import type { LoadedIndex } from "../store/indexParts.js";
import type { SentenceLookup } from "./sentenceLookup.js";
import { contentTerms } from "./terms.js";
import { suppliesAnswerTo } from "./answerType.js";

export interface SentenceScore {
  /** Cosine similarity of question and sentence embeddings. */
  dense: number;
  /** Share of the question's idf weight whose terms the sentence contains (0..1). */
  lexical: number;
  /** The sentence holds the kind of fact the question asks for (a figure, date or name it does not already give). */
  typed: boolean;
  score: number;
}

/**
 * Scores sentences against one question, memoised: the reranker and the answer
 * extractor look at the same sentences and must agree on their scores.
 */
export interface SentenceWeights {
  /** Weight of question-term overlap against embedding similarity. */
  lexical: number;
  /** Bonus for a sentence that supplies the kind of fact the question asks for. */
  answerType: number;
}

export function createSentenceScorer(
  index: LoadedIndex,
  lookup: SentenceLookup,
  question: string,
  questionVector: Float32Array,
  weights: SentenceWeights,
): (sentenceId: number) => SentenceScore {
  const supplies = suppliesAnswerTo(question, lookup.commonWords);
  const overlap = lookup.termOverlap(contentTerms(question));
  const memo = new Map<number, SentenceScore>();
  return (id) => {
    let cached = memo.get(id);
    if (!cached) {
      const dense = index.sentenceVectors.dot(questionVector, id);
      const lexical = overlap(id);
      const typed = supplies(index.sentences[id]!.text, (type) => lookup.facts(id, type));
      cached = { dense, lexical, typed, score: dense + weights.lexical * lexical + (typed ? weights.answerType : 0) };
      memo.set(id, cached);
    }
    return cached;
  };
}
