import { evidenceTokens } from "../retrieval/terms.js";
import type { CorpusDocument } from "../types.js";
import type { DocumentContext } from "./extractAnswer.js";

/**
 * What a document establishes for every passage in it: its title, author,
 * publisher and date, and the years it mentions (see `missingTerms` and `yearsGrounded`).
 */
export function documentContextOf(doc: CorpusDocument): DocumentContext {
  const years = new Set([doc.title, doc.date, doc.text].join(" ").match(/\b(?:19|20)\d\d\b/g) ?? []);
  const label = [doc.title, doc.author, doc.publisher, doc.date].filter(Boolean).join(" ");
  return { labelTokens: evidenceTokens(label), years: [...years].map(Number) };
}
