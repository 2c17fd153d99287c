import { timeSlices } from "../timeSlices.js";

/** Words a corpus writes in lowercase somewhere, lowercased: "Minister" in "Prime Minister" is one, "Kishida" is not. */
export type CommonWords = ReadonlySet<string>;

export const NO_COMMON_WORDS: CommonWords = new Set();

const LOWERCASE_WORD = /(?<![\p{L}\p{N}_-])\p{Ll}[\p{Ll}'’-]*\p{Ll}(?![\p{L}\p{N}_])/gu;
// Texts are scanned in pieces of this many characters (about a millisecond's
// work), the event loop let through once a time slice is used up.
const PIECE_CHARS = 1 << 14;

/**
 * Collects the corpus's common words. A capitalised word that the corpus also
 * writes in lowercase is a title or a heading's word ("the Government",
 * "Accord on Support and Cooperation"), not a name; a name is never written
 * in lowercase. Derived from the corpus at load, so no list of any corpus's
 * names is needed.
 */
export async function collectCommonWords(texts: Iterable<string>): Promise<CommonWords> {
  const words = new Set<string>();
  const slices = timeSlices();
  for (const text of texts) {
    for (let from = 0; from < text.length; from += PIECE_CHARS) {
      // A word cut at a piece's end is found whole in one of the two pieces or both, as lowercase words are short.
      for (const m of text.slice(from, from + PIECE_CHARS + 64).matchAll(LOWERCASE_WORD)) words.add(m[0]);
      if (slices.due()) await slices.pause();
    }
  }
  return words;
}
