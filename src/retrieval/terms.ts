import { textForModel } from "../ingest/textForModel.js";

// Function words carry no evidence of an answer; dropping them keeps lexical
// overlap about the question's content.
const STOPWORDS = new Set(
  ("a an and are as at be been being but by can could did do does doing for from had has have having he her his how i if in into is it its " +
    "me my no nor not of on or our over say said says she should so such than that the their them then there these they this those " +
    "through to too under until up us very was we were what when where which while who whom why will with would you your about after " +
    "against all also any because before between both during each few further here just more most other out own same some only " +
    "according much many").split(" "),
);

/** Lowercased word and number tokens, e.g. "$30", "71.7", "sakhalin-2"; a word broken across lines is one ("govern-\nment"). */
export function tokenize(text: string): string[] {
  return textForModel(text).toLowerCase().match(/[\p{L}\p{N}]+(?:[.,'’-][\p{L}\p{N}]+)*/gu) ?? [];
}

// Stemming runs for every word of every candidate sentence of every question;
// the vocabulary is small, so remembering results beats recomputing them. The
// cap keeps hostile queries full of made-up words from growing it without end.
const STEM_CACHE_LIMIT = 200_000;
const stems = new Map<string, string>();

/** Crude English stemmer: enough to match "sanctions"/"sanction", "provided"/"provide". */
export function stem(token: string): string {
  let stemmed = stems.get(token);
  if (stemmed === undefined) {
    stemmed = /\d/.test(token) || token.length <= 3
      ? token
      : token.replace(/['’]s$/, "").replace(/(?:ies)$/, "y").replace(/(?:ing|ed|es|s)$/, "").replace(/e$/, "");
    if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
    stems.set(token, stemmed);
  }
  return stemmed;
}

const WORD = /[\p{L}\p{N}$€%][\p{L}\p{N}.,'’-]*/gu;
// The same pattern restricted to ASCII, for text made only of the characters
// from tab to tilde (anything else takes the Unicode pattern): property classes
// make a regular expression about twice as slow, and this runs on every
// sentence a question reaches.
const ASCII_WORD = /[A-Za-z0-9$%][A-Za-z0-9.,'-]*/g;
const NOT_PLAIN_ASCII = /[^\t-~]/;
// A regular expression literal is a new object each time it is evaluated.
const TRAILING_PUNCTUATION = /[.,'’]+$/;
const POSSESSIVE = /['’]s$/;

/** Words as written, case kept and trailing punctuation and possessive 's dropped: "Japan's" → "Japan", "$3" → "$3". */
export function casedWords(text: string): string[] {
  text = textForModel(text);
  const words = text.match(NOT_PLAIN_ASCII.test(text) ? WORD : ASCII_WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const last = word.charCodeAt(word.length - 1);
    // Only a word ending in . , ' ’ or s can lose anything.
    if (last === 0x2e || last === 0x2c || last === 0x27 || last === 0x2019 || last === 0x73) {
      words[i] = word.replace(TRAILING_PUNCTUATION, "").replace(POSSESSIVE, "");
    }
  }
  return words;
}

export const isStopword = (token: string): boolean => STOPWORDS.has(token);

/** Every token of a text and its stem: what a text can be said to mention. */
export function evidenceTokens(text: string): Set<string> {
  return new Set(tokenize(text).flatMap((t) => [t, stem(t)]));
}

/** Distinct stemmed content terms of a text. */
export function contentTerms(text: string): string[] {
  return [...new Set(tokenize(text).filter((t) => !STOPWORDS.has(t)).map(stem))];
}
