import { setImmediate as yieldToEventLoop } from "node:timers/promises";

/** Words a corpus writes in lowercase somewhere, lowercased: "Minister" in "Prime Minister" is one, "Kishida" is not. */
export type CommonWords = ReadonlySet<string>;

export const NO_COMMON_WORDS: CommonWords = new Set();

const LOWERCASE_WORD = /(?<![\p{L}\p{N}_-])\p{Ll}[\p{Ll}'’-]*\p{Ll}(?![\p{L}\p{N}_])/gu;
// Texts are scanned in slices of about this many characters, with the event loop let through between them.
const SLICE_CHARS = 1 << 20;

/**
 * Collects the corpus's common words. A capitalised word that the corpus also
 * writes in lowercase is a title or a heading's word ("the Government",
 * "Accord on Support and Cooperation"), not a name; a name is never written
 * in lowercase. Derived from the corpus at load, so no list of any corpus's
 * names is needed.
 */
export async function collectCommonWords(texts: Iterable<string>): Promise<CommonWords> {
  const words = new Set<string>();
  let scanned = 0;
  for (const text of texts) {
    for (let from = 0; from < text.length; from += SLICE_CHARS) {
      // A word cut at a slice's end is found whole in one of the two slices or both, as lowercase words are short.
      for (const m of text.slice(from, from + SLICE_CHARS + 64).matchAll(LOWERCASE_WORD)) words.add(m[0]);
      scanned += Math.min(SLICE_CHARS, text.length - from);
      if (scanned >= SLICE_CHARS) {
        scanned = 0;
        await yieldToEventLoop();
      }
    }
  }
  return words;
}
