import { factStems, type FactType } from "./answerType.js";
import { indexInSortedRun, partitionPoint } from "../sortedArrays.js";
import { casedWords, evidenceTokens } from "./terms.js";
import { NO_COMMON_WORDS, type CommonWords } from "./commonWords.js";
import type { LoadedIndex } from "../store/indexParts.js";
import type { Span } from "../types.js";
import { timeSlices } from "../timeSlices.js";

/** Finds the sentences inside a span and weighs question terms by rarity; built once per index. */
export interface SentenceLookup {
  /** Ids of the sentences that overlap `span`, in document order. */
  within(span: Span): number[];
  /** `within(index.chunks[chunkId])`, computed once per chunk. */
  ofChunk(chunkId: number): readonly number[];
  /**
   * For a question's distinct content terms: the share of their idf weight
   * that a sentence holds (0..1), as a function of the sentence id.
   */
  termOverlap(terms: readonly string[]): (sentenceId: number) => number;
  /** Stems of the sentence's figures, dates or names (`factStems`), computed once per type. */
  facts(sentenceId: number, type: FactType): readonly string[];
  /** Every token of the sentence and its stem (`evidenceTokens`), computed once. */
  mentions(sentenceId: number): ReadonlySet<string>;
  /** Words the corpus writes in lowercase somewhere (`collectCommonWords`): capitalised, they name nobody. */
  readonly commonWords: CommonWords;
  /** Inverse sentence frequency; terms the corpus never uses weigh the most. */
  idf(term: string): number;
}

/** Set up in time slices: 100k chunks have 220k sentences and millions of sentence terms. */
export async function createSentenceLookup(index: LoadedIndex, commonWords: CommonWords = NO_COMMON_WORDS): Promise<SentenceLookup> {
  const slices = timeSlices();
  const byDoc = new Map<string, number[]>();
  for (const [id, s] of index.sentences.entries()) {
    const list = byDoc.get(s.docId) ?? [];
    list.push(id);
    byDoc.set(s.docId, list);
    if ((id & 0xff) === 0 && slices.due()) await slices.pause();
  }
  for (const ids of byDoc.values()) {
    ids.sort((a, b) => index.sentences[a]!.start - index.sentences[b]!.start);
    if (slices.due()) await slices.pause();
  }

  const { offsets: termOffsets, ids: sentenceTerms } = index.sentenceTerms;
  const { vocabulary } = index;
  const n = index.sentences.length;
  // How many sentences hold each term (each holds a term at most once).
  const sentenceFrequency = new Int32Array(vocabulary.size);
  for (let i = 0; i < sentenceTerms.length; i++) {
    sentenceFrequency[sentenceTerms[i]!]! += 1;
    if ((i & 0xfff) === 0 && slices.due()) await slices.pause();
  }
  const idf = (term: string) => {
    const termId = vocabulary.get(term);
    return Math.log(1 + n / (1 + (termId === undefined ? 0 : sentenceFrequency[termId]!)));
  };
  const holds = (sentenceId: number, termId: number) =>
    indexInSortedRun(sentenceTerms, termOffsets[sentenceId]!, termOffsets[sentenceId + 1]!, termId) >= 0;
  // Filled as questions touch sentences: most never become candidates. Arrays
  // indexed by id, not Maps: a Map of a large corpus rehashes as it grows, a
  // pause of milliseconds inside whichever query crosses the threshold.
  const facts: Record<FactType, (readonly string[] | undefined)[]> = {
    quantity: new Array(n).fill(undefined),
    date: new Array(n).fill(undefined),
    name: new Array(n).fill(undefined),
  };
  const mentions: (Set<string> | undefined)[] = new Array(n).fill(undefined);
  const chunkSentences: (number[] | undefined)[] = new Array(index.chunks.length).fill(undefined);
  const lookup: SentenceLookup = {
    ofChunk: (chunkId) => memo(chunkSentences, chunkId, () => lookup.within(index.chunks[chunkId]!)),
    within(span) {
      const ids = byDoc.get(span.docId) ?? [];
      const first = partitionPoint(0, ids.length, (i) => index.sentences[ids[i]!]!.end <= span.start);
      const out: number[] = [];
      for (let i = first; i < ids.length && index.sentences[ids[i]!]!.start < span.end; i++) out.push(ids[i]!);
      return out;
    },
    termOverlap(terms) {
      const termWeights = terms.map(idf);
      const total = termWeights.reduce((sum, weight) => sum + weight, 0);
      if (!(total > 0)) return () => 0;
      // A term no sentence uses still weighs in the total; it just never matches.
      const termIds: number[] = [];
      const weights: number[] = [];
      terms.forEach((term, i) => {
        const termId = vocabulary.get(term);
        if (termId === undefined) return;
        termIds.push(termId);
        weights.push(termWeights[i]!);
      });
      return (sentenceId) => {
        let sum = 0;
        for (let i = 0; i < termIds.length; i++) if (holds(sentenceId, termIds[i]!)) sum += weights[i]!;
        return sum / total;
      };
    },
    facts: (id, type) => memo(facts[type], id, () => factStems(type, casedWords(index.sentences[id]!.text), commonWords)),
    mentions: (id) => memo(mentions, id, () => evidenceTokens(index.sentences[id]!.text)),
    idf,
    commonWords,
  };
  return lookup;
}

function memo<T>(cache: (T | undefined)[], id: number, compute: () => T): T {
  return (cache[id] ??= compute());
}
