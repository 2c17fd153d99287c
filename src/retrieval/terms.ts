// Function words carry no evidence of an answer; dropping them keeps lexical
// overlap about the question's content.
const STOPWORDS = new Set(
  ("a an and are as at be been being but by can could did do does doing for from had has have having he her his how i if in into is it its " +
    "me my no nor not of on or our over say said says she should so such than that the their them then there these they this those " +
    "through to too under until up us very was we were what when where which while who whom why will with would you your about after " +
    "against all also any because before between both during each few further here just more most other out own same some only " +
    "according much many").split(" "),
);

/** Lowercased word and number tokens, e.g. "$30", "71.7", "sakhalin-2". */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:[.,'’-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** Crude English stemmer: enough to match "sanctions"/"sanction", "provided"/"provide". */
export function stem(token: string): string {
  if (/\d/.test(token) || token.length <= 3) return token;
  return token
    .replace(/['’]s$/, "")
    .replace(/(?:ies)$/, "y")
    .replace(/(?:ing|ed|es|s)$/, "")
    .replace(/e$/, "");
}

/** Words as written, case kept and trailing punctuation and possessive 's dropped: "Japan's" → "Japan", "$3" → "$3". */
export function casedWords(text: string): string[] {
  return (text.match(/[\p{L}\p{N}$€%][\p{L}\p{N}.,'’-]*/gu) ?? []).map((w) => w.replace(/[.,'’]+$/, "").replace(/['’]s$/, ""));
}

export const isStopword = (token: string): boolean => STOPWORDS.has(token);

/** Distinct stemmed content terms of a text. */
export function contentTerms(text: string): string[] {
  return [...new Set(tokenize(text).filter((t) => !STOPWORDS.has(t)).map(stem))];
}
