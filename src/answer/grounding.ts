import { stem, tokenize } from "../retrieval/terms.js";
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
  const words = question.match(/[\p{L}\p{N}$€%][\p{L}\p{N}.,'’-]*/gu) ?? [];
  words.forEach((raw, i) => {
    const word = raw.replace(/[.,'’]+$/, "").replace(/['’]s$/, "");
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

/** The distinctive terms of the question that none of the evidence texts contains. */
export function ungroundedTerms(question: string, evidence: string[]): string[] {
  const available = new Set(evidence.flatMap((text) => tokenize(text).flatMap((t) => [t, stem(t)])));
  const found = (t: string) => available.has(t) || available.has(stem(t));
  return distinctiveTerms(question).filter((t) => !aliasesOf(t).some(found));
}
