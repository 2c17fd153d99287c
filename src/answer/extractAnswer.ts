import type { Passage } from "../retrieval/retrieve.js";
import type { SentenceLookup } from "../retrieval/sentenceLookup.js";
import type { SentenceScore } from "../retrieval/scoreSentences.js";
import type { LoadedIndex } from "../store/indexParts.js";
import type { AskResponse, Citation } from "../types.js";
import { expectedAnswerType, type AnswerType } from "../retrieval/answerType.js";
import { askedYears, distinctiveTerms, initialismAliases, missingTerms, yearsGrounded } from "./grounding.js";
import { combineAliases, NO_ALIASES, type AliasLookup } from "./aliases.js";

export interface AnswerOptions {
  /** Most sentences quoted in one answer. */
  maxSentences: number;
  /** A further sentence is quoted when its score is at least this fraction of the best one's. */
  extraSentenceRatio: number;
  /** Below this best-sentence score the question counts as not answered by the corpus. */
  minAnswerScore: number;
  /** Answer only from passages that contain every figure and name of the question. */
  requireGrounding: boolean;
  /** Where those must appear: in the answering passage itself, or anywhere among the retrieved ones. */
  groundingScope: "passage" | "passages";
  /** How many sentences after the best one (same paragraph) may hold the fact it sets the scene for. */
  factLookahead: number;
  /** A question asking for a figure, a date or what someone said is not answered by sentences that hold none. */
  requireAnswerType: boolean;
  /** Nearest passages cited when abstaining. */
  abstainCitations: number;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = {
  maxSentences: 2,
  extraSentenceRatio: 0.92,
  minAnswerScore: 0.55,
  requireGrounding: true,
  groundingScope: "passage",
  factLookahead: 2,
  requireAnswerType: true,
  abstainCitations: 3,
};

export interface DocumentContext {
  /** `evidenceTokens` of title, author, publisher and date: "according to CEIAS" is grounded by the publisher. */
  labelTokens: ReadonlySet<string>;
  /** Years the document mentions. */
  years: number[];
}

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
  /** By docId, what holds for all its passages: "according to CEIAS" is grounded by the source. */
  documentContext: ReadonlyMap<string, DocumentContext>,
  options: AnswerOptions = DEFAULT_ANSWER_OPTIONS,
  /** The corpus's own equivalent names (`aliasLookupFromJson`), beyond the general rules of `missingTerms`. */
  aliases: AliasLookup = NO_ALIASES,
): AskResponse {
  // Only sentences from passages that mention every figure and name of the question may answer it.
  const named = distinctiveTerms(question);
  const sentencesOf = new Map(passages.map((p) => [p, lookup.within(p)]));
  const questionAliases = combineAliases(aliases, initialismAliases(question));
  const groundedIn = (evidence: Passage[]) => {
    const mentions = (token: string) =>
      evidence.some((e) => sentencesOf.get(e)!.some((id) => lookup.mentions(id).has(token)) || documentContext.get(e.docId)?.labelTokens.has(token));
    return missingTerms(named, mentions, questionAliases).length === 0;
  };
  // Decided once for all passages unless each passage must ground the question by itself.
  const groundedForAll = !options.requireGrounding || (options.groundingScope === "passages" ? groundedIn(passages) : undefined);
  const years = askedYears(named);
  const mustSupplyType = STRICT_ANSWER_TYPES.has(expectedAnswerType(question));
  const seen = new Set<number>();
  const ranked: Candidate[] = [];
  for (const passage of passages) {
    if (!(groundedForAll ?? groundedIn([passage]))) continue;
    const documentYears = documentContext.get(passage.docId)?.years ?? [];
    for (const id of sentencesOf.get(passage)!) {
      if (seen.has(id)) continue;
      seen.add(id);
      const text = index.sentences[id]!.text;
      if (!isProse(text)) continue;
      if (options.requireGrounding && !yearsGrounded(years, text, documentYears)) continue;
      ranked.push({ id, score: scoreSentence(id), passage });
    }
  }
  ranked.sort((a, b) => b.score.score - a.score.score);
  const top = ranked[0];
  const abstain = (): AskResponse => ({ question, answerable: false, answer: NOT_ANSWERED, citations: passages.slice(0, options.abstainCitations).map(passageCitation) });
  if (!top || top.score.score < options.minAnswerScore) return abstain();

  const chosen = [top];
  const following = followingInParagraph(top.id, index, options.factLookahead);
  // "…through JICA. The amount has reached $1.5 billion.": the fact asked for often sits in the next sentence;
  // "The conference was held in Berlin. Kishida sent a message. He stated that…": or one further on.
  const continuation =
    (following[0] && startsWithReference(following[0].text) ? following[0] : undefined) ??
    (top.score.typed ? undefined : following.find((s) => scoreSentence(s.id).typed));
  if (continuation) chosen.push({ id: continuation.id, score: scoreSentence(continuation.id), passage: top.passage });
  if (options.requireAnswerType && mustSupplyType && !chosen.some((c) => c.score.typed)) {
    // "How many tonnes of LNG did Japan redirect?" answered by a sentence with no figure in it is a near miss.
    return abstain();
  }
  for (const s of ranked.slice(1)) {
    if (chosen.length >= options.maxSentences) break;
    if (!chosen.some((c) => c.id === s.id) && s.score.score >= top.score.score * options.extraSentenceRatio) chosen.push(s);
  }
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

// Names are too loosely recognised (any capitalised word) to refuse an answer for lacking one.
const STRICT_ANSWER_TYPES = new Set<AnswerType>(["quantity", "date", "statement"]);

// A heading or caption ("The Kyiv-Tokyo axis: Japan's normative response…") names a topic but states no fact.
const SENTENCE_END = /[.!?…]["”’)\]]*$/;

function isProse(text: string): boolean {
  return SENTENCE_END.test(text);
}

// Openings that lean on the sentence before: "This was announced…", "He stated…", "Since that month…".
const REFERRING_OPENING = /^(?:this|these|that|those|such|he|she|it|they|his|her|its|their|the (?:amount|figure|sum|total|number)|since (?:then|that)|secondly|thirdly|moreover|in addition|specifically)\b/i;

function startsWithReference(sentence: string): boolean {
  return REFERRING_OPENING.test(sentence);
}

/** Up to `count` sentences after sentence `id` in the same paragraph (only a space or one line break between each). */
function followingInParagraph(id: number, index: LoadedIndex, count: number): { id: number; text: string }[] {
  const out: { id: number; text: string }[] = [];
  for (let next = id + 1; next <= id + count; next++) {
    const before = index.sentences[next - 1]!;
    const sentence = index.sentences[next];
    if (!sentence || sentence.docId !== before.docId || sentence.start - before.end > 2) break;
    out.push({ id: next, text: sentence.text });
  }
  return out;
}

function passageCitation(p: Passage, i: number): Citation {
  return { marker: i + 1, docId: p.docId, title: p.title, text: p.text, start: p.start, end: p.end, score: round(p.score) };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
