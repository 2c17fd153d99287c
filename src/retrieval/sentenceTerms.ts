import type { SentenceTerms } from "../store/indexParts.js";
import type { Span } from "../types.js";
import { timeSlices } from "../timeSlices.js";
import { contentTerms } from "./terms.js";
import { termNumber } from "./vocabulary.js";

/**
 * Each sentence's content terms as sorted numbers in one flat array, worked
 * out when the index is built: a Set of strings per sentence held 110 MB more
 * at 100k chunks (219k sentences), and working them out at load took 1.6 s.
 * Terms new to `vocabulary` are numbered in it. Worked out in time slices
 * (see `timeSlices`).
 */
export async function buildSentenceTerms(sentences: readonly Span[], vocabulary = new Map<string, number>()): Promise<SentenceTerms> {
  const perSentence: number[][] = [];
  const slices = timeSlices();
  for (const sentence of sentences) {
    if (slices.due()) await slices.pause();
    perSentence.push(contentTerms(sentence.text).map((term) => termNumber(vocabulary, term)).sort((x, y) => x - y));
  }
  const offsets = new Int32Array(sentences.length + 1);
  perSentence.forEach((terms, i) => (offsets[i + 1] = offsets[i]! + terms.length));
  const ids = new Int32Array(offsets[sentences.length]!);
  perSentence.forEach((terms, i) => ids.set(terms, offsets[i]!));
  return { offsets, ids };
}
