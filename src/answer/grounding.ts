import { casedWords, stem, tokenize } from "../retrieval/terms.js";
import { aliasesOf } from "./aliases.js";

// Capitalised words that carry no specific reference; a question may use them
// about anything, so their absence from the evidence proves nothing.
const GENERIC_CAPITALISED = new Set(
  ("what which who whom whose when where why how is are was were do does did can could should would will has have had " +
    "according in on at of for by to from the a an and or if as with between during after before since under").split(" "),
);

/**
 * The question's specific references — figures, years, dates and proper names
 * (capitalised words not opening the question) — which the evidence must contain
 * for an answer to be grounded. A near miss ("How much aid has South Korea
 * given?") is topical and scores high on similarity, but names something the
 * documents never do.
 */
export function distinctiveTerms(question: string): string[] {
  const terms = new Set<string>();
  casedWords(question).forEach((word, i) => {
    if (/\d/.test(word)) {
      for (const t of tokenize(word)) if (/\d/.test(t)) terms.add(t);
      return;
    }
    const capitalised = /^\p{Lu}/u.test(word);
    if (!capitalised || i === 0 || word.length <= 2 || GENERIC_CAPITALISED.has(word.toLowerCase())) return;
    for (const t of tokenize(word)) terms.add(t);
  });
  return [...terms];
}

const YEAR = /^(?:19|20)\d\d$/;

/** Of `terms` (from `distinctiveTerms`), those that `mentions` finds under no alias, years aside. */
export function missingTerms(terms: readonly string[], mentions: (token: string) => boolean): string[] {
  const found = (t: string) => mentions(t) || mentions(stem(t));
  return terms.filter((t) => !YEAR.test(t) && !aliasesOf(t).some(found));
}

/** The years among a question's distinctive terms, checked per answering sentence by `yearsGrounded`. */
export function askedYears(distinctive: readonly string[]): string[] {
  return distinctive.filter((t) => YEAR.test(t));
}

/**
 * Whether a sentence can answer for the years the question names: it states
 * the year, or states no year at all and its document is about that year or
 * the next or previous one. "On July 4 and 5, the conference was held…" in the
 * Bluebook 2023 is about July 2022; "a deficit of €71.7 billion in 2026" says
 * nothing about 2025.
 */
export function yearsGrounded(askedYears: readonly string[], sentence: string, documentYears: readonly number[]): boolean {
  if (askedYears.length === 0) return true;
  const stated = tokenize(sentence).filter((t) => YEAR.test(t));
  return askedYears.every((year) =>
    stated.length > 0 ? stated.includes(year) : documentYears.some((y) => Math.abs(y - Number(year)) <= 1),
  );
}
