import { casedWords, isStopword, stem, tokenize } from "../retrieval/terms.js";
import type { Span } from "../types.js";
import { NO_ALIASES, nameVariants, type AliasLookup } from "./aliases.js";

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

/**
 * Of `terms` (from `distinctiveTerms`), those that `mentions` finds under no
 * name, years aside: as written or stemmed, as a demonym or place-name form
 * (`nameVariants`: "Ukrainian" ~ "Ukraine"), or as every token of an alias of
 * either ("American" ~ "America" ~ "United States").
 */
export function missingTerms(terms: readonly string[], mentions: (token: string) => boolean, aliases: AliasLookup = NO_ALIASES): string[] {
  const found = (t: string) => mentions(t) || mentions(stem(t));
  const foundAs = (t: string) => found(t) || aliases(t).some((phrase) => phrase.every(found));
  return terms.filter((t) => !YEAR.test(t) && !foundAs(t) && ![...nameVariants(t), ...nameVariants(stem(t))].some(foundAs));
}

// Lowercase words that may sit inside a name: "Ministry of Foreign Affairs", "Research and Development".
const NAME_CONNECTOR = new Set(["of", "and", "for", "the", "on", "in", "to"]);
const MAX_RUN = 8;

/**
 * A question's multi-word names grounded by their initialisms, as documents
 * spell a name out once and abbreviate it afterwards: "Japan International
 * Cooperation Agency" by "JICA", "Ministry of Foreign Affairs" by "MFA" or
 * "MOFA", "Self-Defense Forces" by "SDF"; any run of two or more capitalised
 * words in it, the opening word aside. The other way round (an initialism
 * asked about, grounded by a passage that only spells it out) was measured
 * and left out: on the probes it let one near miss through and answered no
 * question more.
 */
export function initialismAliases(question: string): AliasLookup {
  const byToken = new Map<string, string[][]>();
  // The capitalised words of the current run: tokens, initials of capitalised parts, initials of the connectors before it.
  let run: { tokens: string[]; initials: string; connectors: string }[] = [];
  let connectors = "";
  const close = () => {
    for (let start = 0; start < run.length; start++) {
      for (let end = start + 1; end < Math.min(run.length, start + MAX_RUN); end++) {
        const part = run.slice(start, end + 1);
        // Two letters ("EU", "UK") only for a whole name: parts of longer ones would match stray words.
        const minLength = start === 0 && end === run.length - 1 ? 2 : 3;
        const forms = new Set([part.map((w) => w.initials).join(""), part.map((w, i) => (i > 0 ? w.connectors : "") + w.initials).join("")]);
        const initials = [...forms].filter((x) => x.length >= minLength && !isStopword(x)).map((x) => [x]);
        for (const token of part.flatMap((w) => w.tokens)) byToken.set(token, [...(byToken.get(token) ?? []), ...initials]);
      }
    }
    run = [];
    connectors = "";
  };
  casedWords(question).forEach((word, i) => {
    const parts = i === 0 ? [] : word.split("-").filter((p) => /^\p{Lu}/u.test(p));
    if (parts.length > 0) {
      run.push({ tokens: tokenize(word), initials: parts.map((p) => p[0]!.toLowerCase()).join(""), connectors });
      connectors = "";
    } else if (run.length > 0 && NAME_CONNECTOR.has(word)) connectors += word[0];
    else close();
  });
  close();
  return byToken.size === 0 ? NO_ALIASES : (term) => byToken.get(term) ?? [];
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

// A numbered heading of a legal or technical text: "Article 17", "Section 4.2", "§ 12", "Chapter III", "Annex II".
const SECTION_LABEL = /^(?:(?:article|section|chapter|part|title|annex|schedule|appendix|clause|rule|regulation)\s+[\dIVXLC]+[\w.()-]*|§+\s*\d+[\w.()-]*)(?=\s|$|[.:–—-])/i;
const MAX_HEADING_CHARS = 80;
/** How far back a passage's section heading is looked for, in sentences. */
const MAX_SECTION_SENTENCES = 400;

/**
 * The numbered heading of the section a sentence sits in ("Article 17" with
 * the title line under it, "Right to erasure"), found by walking back from
 * it: a passage in the middle of Article 17 does not repeat "17", yet it is
 * what "What does Article 17 say about…" asks about.
 */
export function sectionHeading(sentences: readonly Span[], id: number): string | undefined {
  const docId = sentences[id]?.docId;
  for (let i = id; i >= 0 && i > id - MAX_SECTION_SENTENCES && sentences[i]!.docId === docId; i--) {
    const text = sentences[i]!.text;
    const label = text.length <= MAX_HEADING_CHARS ? SECTION_LABEL.exec(text) : null;
    // "Article 17", "Section 2. Grant of Licence.", not "Section 3.1 applies to…".
    if (!label || (/[.!?…]$/.test(text) && !/^[.:–—-]*\s*(?:\p{Lu}|$)/u.test(text.slice(label[0].length).trim()))) continue;
    const next = sentences[i + 1];
    // The heading's title, when it stands on a line of its own: "Article 17" / "Right to erasure".
    const title = next && next.docId === docId && i + 1 < id && next.text.length <= MAX_HEADING_CHARS && !/[.!?…;:]$/.test(next.text) ? next.text : "";
    return `${text} ${title}`.trim();
  }
  return undefined;
}
