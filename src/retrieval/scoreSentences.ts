import { dot } from "../embed/embedder.js";
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

export interface SentenceWeights {
  /** Weight of question-term overlap against embedding similarity. */
  lexical: number;
  /** Bonus for a sentence that supplies the kind of fact the question asks for. */
  answerType: number;
}

/** The parts of a sentence's score that need no embedding. */
export type TextFeatures = Pick<SentenceScore, "lexical" | "typed">;

/**
 * A sentence's text features for one question, memoised. They need no query
 * vector, so they can be worked out while the model is still embedding the question.
 */
export function createTextScorer(index: LoadedIndex, lookup: SentenceLookup, question: string): (sentenceId: number) => TextFeatures {
  const supplies = suppliesAnswerTo(question);
  const terms = contentTerms(question);
  const idf = terms.map((t) => lookup.idf(t));
  const total = idf.reduce((a, b) => a + b, 0);
  const memo = new Map<number, TextFeatures>();
  return (id) => {
    let cached = memo.get(id);
    if (!cached) {
      const has = lookup.terms(id);
      const lexical = total > 0 ? terms.reduce((sum, t, i) => sum + (has.has(t) ? idf[i]! : 0), 0) / total : 0;
      cached = { lexical, typed: supplies(index.sentences[id]!.text, lookup.words(id)) };
      memo.set(id, cached);
    }
    return cached;
  };
}

/**
 * Scores sentences against one question, memoised: the reranker and the answer
 * extractor look at the same sentences and must agree on their scores.
 */
export function createSentenceScorer(
  index: LoadedIndex,
  questionVector: Float32Array,
  weights: SentenceWeights,
  textFeatures: (sentenceId: number) => TextFeatures,
): (sentenceId: number) => SentenceScore {
  const dims = index.manifest.dimensions;
  const memo = new Map<number, SentenceScore>();
  return (id) => {
    let cached = memo.get(id);
    if (!cached) {
      const dense = dot(questionVector, index.sentenceVectors.subarray(id * dims, (id + 1) * dims));
      const { lexical, typed } = textFeatures(id);
      cached = { dense, lexical, typed, score: dense + weights.lexical * lexical + (typed ? weights.answerType : 0) };
      memo.set(id, cached);
    }
    return cached;
  };
}
