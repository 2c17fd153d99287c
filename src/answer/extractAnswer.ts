import type { Passage } from "../retrieval/retrieve.js";
import type { SentenceLookup } from "../retrieval/sentenceLookup.js";
import type { SentenceScore } from "../retrieval/scoreSentences.js";
import type { LoadedIndex } from "../store/indexParts.js";
import type { AskResponse, Citation } from "../types.js";
import { ungroundedTerms } from "./grounding.js";

export interface AnswerOptions {
  /** Most sentences quoted in one answer. */
  maxSentences: number;
  /** A further sentence is quoted when its score is at least this fraction of the best one's. */
  extraSentenceRatio: number;
  /** Below this best-sentence score the question counts as not answered by the corpus. */
  minAnswerScore: number;
  /** Abstain when a figure or name of the question appears in none of the retrieved passages. */
  requireGrounding: boolean;
  /** Nearest passages cited when abstaining. */
  abstainCitations: number;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  maxSentences: 2,
  extraSentenceRatio: 0.92,
  minAnswerScore: 0.55,
  requireGrounding: true,
  abstainCitations: 3,
};

export const NOT_ANSWERED = "The documents do not answer this question; the nearest passages are cited for reference.";

interface Candidate {
  id: number;
  score: SentenceScore;
  passage: Passage;
}

/**
 * Extractive answer: the sentences of the retrieved passages that best match
 * the question, each quoted verbatim with its own citation marker, or an
 * abstention when the best evidence is weak or does not mention what the
 * question names.
 */
export function extractAnswer(
  question: string,
  passages: Passage[],
  index: LoadedIndex,
  lookup: SentenceLookup,
  scoreSentence: (id: number) => SentenceScore,
  options: AnswerOptions = DEFAULT_ANSWER_OPTIONS,
): AskResponse {
  const seen = new Set<number>();
  const ranked: Candidate[] = [];
  for (const passage of passages) {
    for (const id of lookup.within(passage)) {
      if (seen.has(id)) continue;
      seen.add(id);
      ranked.push({ id, score: scoreSentence(id), passage });
    }
  }
  ranked.sort((a, b) => b.score.score - a.score.score);
  const top = ranked[0];

  const weak = !top || top.score.score < options.minAnswerScore;
  const ungrounded = options.requireGrounding ? ungroundedTerms(question, passages.map((p) => p.text)) : [];
  if (weak || ungrounded.length > 0) {
    return { question, answerable: false, answer: NOT_ANSWERED, citations: passages.slice(0, options.abstainCitations).map(passageCitation) };
  }

  const chosen = ranked
    .slice(0, options.maxSentences)
    .filter((s) => s === top || s.score.score >= top.score.score * options.extraSentenceRatio);
  const citations = chosen.map((s, i): Citation => {
    const sentence = index.sentences[s.id]!;
    return {
      marker: i + 1,
      docId: sentence.docId,
      title: s.passage.title,
      text: sentence.text,
      start: sentence.start,
      end: sentence.end,
      score: round(s.score.score),
    };
  });
  const answer = citations.map((c) => `${c.text} [${c.marker}]`).join(" ");
  return { question, answerable: true, answer, citations };
}

function passageCitation(p: Passage, i: number): Citation {
  return { marker: i + 1, docId: p.docId, title: p.title, text: p.text, start: p.start, end: p.end, score: round(p.score) };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
