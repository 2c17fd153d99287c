// The evaluation's notion of "this passage holds the evidence", identical to the
// reference scorer (score.mjs, which the outside checks run over HTTP) so both report the same numbers.

/** Folds typographic quotes and dashes, collapses whitespace, lowercases. */
export function normalize(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015]/g, "-")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

function evalTokens(text: string): string[] {
  return normalize(text)
    .replace(/[^\p{L}\p{N}$€%.,' -]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
}

/** Fraction of the evidence's tokens (as a multiset) that the passage contains. */
export function evidenceCoverage(evidence: string, passage: string): number {
  const bag = new Map<string, number>();
  for (const t of evalTokens(passage)) bag.set(t, (bag.get(t) ?? 0) + 1);
  const wanted = evalTokens(evidence);
  let hit = 0;
  for (const t of wanted) {
    const n = bag.get(t) ?? 0;
    if (n > 0) {
      hit++;
      bag.set(t, n - 1);
    }
  }
  return wanted.length ? hit / wanted.length : 0;
}

export const RELEVANCE_THRESHOLD = 0.7;

export const holdsEvidence = (evidence: string, passage: string): boolean =>
  evidenceCoverage(evidence, passage) >= RELEVANCE_THRESHOLD;
