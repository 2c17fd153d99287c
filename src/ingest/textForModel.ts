// A word broken by the wrap: a line ending in a hyphen between lowercase letters
// ("govern-\nment"). Without a dictionary it cannot be told from a compound
// broken at its own hyphen ("well-\nknown"); typeset hyphenation is the common
// case in wrapped documents, and a capital or digit after the break
// ("Kyiv-\nTokyo", "COVID-\n19") keeps the hyphen.
const BROKEN_WORD = /(\p{Ll})-[ \t]*\r?\n[ \t]*(?=\p{Ll})/gu;
const BROKEN_COMPOUND = /(\p{L}-)[ \t]*\r?\n[ \t]*(?=\S)/gu;
// A single line break that does not follow the end of a sentence wraps one.
// The others are left alone, so text with one paragraph a line reaches the
// model exactly as stored.
const WRAP_IN_SENTENCE = /(?<!(?:[.!?…]["'”’»)\]]*|\n)[ \t]*)[ \t]*\r?\n[ \t]*(?=\S)/gu;

/**
 * A span's text as the model and the term analysis read it: line breaks inside
 * a sentence (and the indentation after them) as one space, words broken
 * across lines joined. Stored and cited text stays verbatim; only what is
 * matched changes.
 */
export function textForModel(text: string): string {
  if (!text.includes("\n")) return text;
  return text.replace(BROKEN_WORD, "$1").replace(BROKEN_COMPOUND, "$1").replace(WRAP_IN_SENTENCE, " ");
}
