import { readFile } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";
import { isStopword, tokenize } from "../retrieval/terms.js";

/**
 * Other names for what a question term names, each a phrase given as its
 * tokens: evidence that mentions every token of one of them grounds the term
 * ("Kyiv" grounded by "Ukraine", "united" by "U.S.").
 */
export type AliasLookup = (term: string) => readonly (readonly string[])[];

export const NO_ALIASES: AliasLookup = () => [];

/** Both lookups' aliases of a term. */
export function combineAliases(...lookups: AliasLookup[]): AliasLookup {
  const used = lookups.filter((l) => l !== NO_ALIASES);
  if (used.length <= 1) return used[0] ?? NO_ALIASES;
  return (term) => used.flatMap((lookup) => lookup(term));
}

/**
 * The lookup for a corpus's optional `aliases.json`, parsed:
 * `{"groups": [["Ukraine", "Ukrainian", "Kyiv", "Kiev"], ["United States", "U.S.", "America"]]}`,
 * each group the names of one thing, as the documents write them (case and
 * punctuation do not matter). What the corpus calls one thing under several
 * names that no general rule relates, a capital standing for its government
 * say; demonyms ("Ukrainian" ~ "Ukraine") and initialisms ("EU" ~ "European
 * Union") need no entry. Throws `corpus_invalid` naming what is wrong.
 */
export function aliasLookupFromJson(json: unknown): AliasLookup {
  const groups = (json as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(groups)) throw invalid(`it must be an object with a "groups" array`);
  const byToken = new Map<string, string[][]>();
  groups.forEach((group: unknown, g) => {
    if (!Array.isArray(group) || group.length < 2 || !group.every((name) => typeof name === "string" && tokenize(name).length > 0)) {
      throw invalid(`groups[${g}] must be an array of at least two names, each with a letter or digit`);
    }
    // "US" would match the pronoun: a name made only of function words grounds nothing.
    const phrases = (group as string[]).map((name) => tokenize(name)).filter((phrase) => phrase.some((t) => !isStopword(t)));
    for (const phrase of phrases) {
      for (const token of new Set(phrase)) {
        if (isStopword(token)) continue;
        const list = byToken.get(token) ?? [];
        list.push(...phrases.filter((other) => other !== phrase));
        byToken.set(token, list);
      }
    }
  });
  return byToken.size === 0 ? NO_ALIASES : (term) => byToken.get(term) ?? [];
}

/** The corpus folder's file of alias groups (see `aliasLookupFromJson`); optional. */
export const ALIASES_FILE = "aliases.json";

/** `aliasLookupFromJson` of `<corpusDir>/aliases.json`, or no aliases when there is no such file. */
export async function readCorpusAliases(corpusDir: string): Promise<AliasLookup> {
  let text: string;
  try {
    text = await readFile(path.join(corpusDir, ALIASES_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return NO_ALIASES;
    throw new RagError("corpus_invalid", `Cannot read ${ALIASES_FILE} in ${corpusDir}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message})`);
  }
  return aliasLookupFromJson(json);
}

const invalid = (why: string) => new RagError("corpus_invalid", `aliases.json: ${why}.`);

// English demonym and place-name endings: "Ukrain-ian" ~ "Ukrain-e", "Japan-ese" ~
// "Japan", "Belg-ian" ~ "Belg-ium", "Korea-n" ~ "Korea", "German" ~ "German-y".
const ENDINGS = ["", "n", "an", "ian", "ean", "ese", "i", "a", "ia", "e", "y", "ium"];
const MIN_ROOT = 4;

/**
 * Forms of a name that the same place, people or language goes by, from its
 * ending alone: a general morphological rule, not a table of countries.
 * Roots keep at least four letters, so "Indian" is not cut down to "Ind".
 */
export function nameVariants(term: string): string[] {
  if (!/^\p{L}+$/u.test(term) || term.length < MIN_ROOT) return [];
  const variants = new Set<string>();
  for (const ending of ENDINGS) {
    const root = term.slice(0, term.length - ending.length);
    if (!term.endsWith(ending) || root.length < MIN_ROOT) continue;
    for (const other of ENDINGS) variants.add(root + other);
  }
  variants.delete(term);
  return [...variants];
}
