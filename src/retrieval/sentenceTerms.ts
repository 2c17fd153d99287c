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
  const offsets = new Int32Array(sentences.length + 1);
  let ids = new Int32Array(16 * sentences.length + 16);
  const slices = timeSlices();
  for (const [i, sentence] of sentences.entries()) {
    if (slices.due()) await slices.pause();
    const termIds = contentTerms(sentence.text).map((term) => termNumber(vocabulary, term));
    const start = offsets[i]!;
    if (start + termIds.length > ids.length) {
      const grown = new Int32Array(2 * (start + termIds.length));
      grown.set(ids);
      ids = grown;
    }
    ids.set(termIds.sort((x, y) => x - y), start);
    offsets[i + 1] = start + termIds.length;
  }
  return { offsets, ids: ids.slice(0, offsets[sentences.length]) };
}
