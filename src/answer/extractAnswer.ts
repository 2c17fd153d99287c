import { dot } from "../embed/embedder.js";
import type { Passage } from "../retrieval/passages.js";
import { contentTerms } from "../retrieval/terms.js";
import type { LoadedIndex } from "../store/indexParts.js";
import type { AskResponse, Citation } from "../types.js";
import type { SentenceLookup } from "./sentenceLookup.js";

export interface AnswerOptions {
  /** Most sentences quoted in one answer. */
  maxSentences: number;
  /** A further sentence is quoted when its score is at least this fraction of the best one's. */
  extraSentenceRatio: number;
  /** Weight of idf-weighted question-term overlap against embedding similarity. */
  lexicalWeight: number;
  /** Below this best-sentence score the question counts as not answered by the corpus. */
  minAnswerScore: number;
  /** Nearest passages cited when abstaining. */
  abstainCitations: number;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  maxSentences: 2,
  extraSentenceRatio: 0.92,
  lexicalWeight: 0.35,
  minAnswerScore: 0.55,
  abstainCitations: 3,
};

export const NOT_ANSWERED =
  "The documents do not answer this question; the nearest passages are cited for reference.";

interface ScoredSentence {
  id: number;
  score: number;
  passage: Passage;
}

/**
 * Extractive answer: the sentences of the retrieved passages that best match
 * the question, each quoted verbatim with its own citation marker.
 */
export function extractAnswer(
  question: string,
  questionVector: Float32Array,
  passages: Passage[],
  index: LoadedIndex,
  lookup: SentenceLookup,
  options: AnswerOptions = DEFAULT_ANSWER_OPTIONS,
): AskResponse {
  const terms = contentTerms(question);
  const totalWeight = terms.reduce((sum, t) => sum + lookup.idf(t), 0);
  const dims = index.manifest.dimensions;

  const best = new Map<number, ScoredSentence>();
  for (const passage of passages) {
    for (const id of lookup.within(passage)) {
      if (best.has(id)) continue;
      const vector = index.sentenceVectors.subarray(id * dims, (id + 1) * dims);
      const sentenceTerms = lookup.terms(id);
      const overlap = terms.reduce((sum, t) => sum + (sentenceTerms.has(t) ? lookup.idf(t) : 0), 0);
      const lexical = totalWeight > 0 ? overlap / totalWeight : 0;
      best.set(id, { id, score: dot(questionVector, vector) + options.lexicalWeight * lexical, passage });
    }
  }
  const ranked = [...best.values()].sort((a, b) => b.score - a.score);
  const top = ranked[0];

  if (!top || top.score < options.minAnswerScore) {
    const citations = passages.slice(0, options.abstainCitations).map((p, i): Citation => ({
      marker: i + 1,
      docId: p.docId,
      title: p.title,
      text: p.text,
      start: p.start,
      end: p.end,
      score: round(p.score),
    }));
    return { question, answerable: false, answer: NOT_ANSWERED, citations };
  }

  const chosen = ranked
    .slice(0, options.maxSentences)
    .filter((s) => s === top || s.score >= top.score * options.extraSentenceRatio);
  const citations = chosen.map((s, i): Citation => {
    const sentence = index.sentences[s.id]!;
    return {
      marker: i + 1,
      docId: sentence.docId,
      title: s.passage.title,
      text: sentence.text,
      start: sentence.start,
      end: sentence.end,
      score: round(s.score),
    };
  });
  const answer = citations.map((c) => `${c.text} [${c.marker}]`).join(" ");
  return { question, answerable: true, answer, citations };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
