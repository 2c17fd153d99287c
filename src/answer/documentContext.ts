import { titleFromFileName } from "../ingest/docIds.js";
import { evidenceTokens } from "../retrieval/terms.js";
import type { CorpusDocument } from "../types.js";
import type { DocumentContext } from "./extractAnswer.js";

/**
 * What a document establishes for every passage in it: its title, author,
 * publisher and date, and the years it mentions (see `missingTerms` and `yearsGrounded`).
 * A plain-text file states no title, so its opening line stands in for one:
 * "according to the socket HOWTO" is grounded by "Socket Programming HOWTO"
 * heading the file, as "under the Regulation" is by "REGULATION (EU) 2016/679".
 */
export function documentContextOf(doc: CorpusDocument): DocumentContext {
  const years = new Set([doc.title, doc.date, doc.text].join(" ").match(/\b(?:19|20)\d\d\b/g) ?? []);
  const heading = doc.title === titleFromFileName(doc.sourceFile) ? openingLine(doc.text) : undefined;
  const label = [doc.title, heading, doc.author, doc.publisher, doc.date].filter(Boolean).join(" ");
  return { labelTokens: evidenceTokens(label), years: [...years].map(Number), text: doc.text };
}

// Lines that open a file without being its title: markup labels and directives (".. _x:", ":Author:",
// "<!-- -->"), underlines and rules.
const NOT_A_TITLE = /^(?:\.\.|:\w[\w ]*:|<|>|\[|[\p{P}\p{S}\s]*$)/u;
const MAX_TITLE_CHARS = 150;
// Only the top of a file: a first line further down is body text.
const OPENING_LINES = 12;

/** The first line of a file that can be its title: not markup, not a sentence. */
export function openingLine(text: string): string | undefined {
  for (const raw of text.split("\n", OPENING_LINES)) {
    const line = raw.trim().replace(/^#{1,6}\s+/, "");
    if (!line) continue;
    if (NOT_A_TITLE.test(line)) continue;
    return line.length <= MAX_TITLE_CHARS && !/[.,;]$/.test(line) ? line : undefined;
  }
  return undefined;
}
