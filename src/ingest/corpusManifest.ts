import { readFile } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";

const SUPPORTED_MANIFEST_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";

/** What a manifest may say of one file; each field overrides what the file itself states. */
export interface ManifestEntry {
  file: string;
  docId?: string;
  title?: string;
  author?: string | null;
  publisher?: string | null;
  date?: string | null;
  sourceFile?: string;
}

export interface CorpusManifest {
  /** By file path relative to the corpus folder, with "/" separators. */
  entries: Map<string, ManifestEntry>;
  /** Files (relative paths) left out of the corpus, e.g. a README about it. */
  ignore: Set<string>;
}

const EMPTY: CorpusManifest = { entries: new Map(), ignore: new Set() };
const isOptionalText = (value: unknown) => value === undefined || value === null || typeof value === "string";

/** The optional `manifest.json` of a corpus folder; none is an empty one. */
export async function readCorpusManifest(corpusDir: string): Promise<CorpusManifest> {
  const file = path.join(corpusDir, MANIFEST_FILE);
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return EMPTY;
    throw new RagError("corpus_invalid", `Cannot read corpus manifest ${file}: ${(error as Error).message}`);
  }
  const invalid = (what: string) => new RagError("corpus_invalid", `Corpus manifest ${file}: ${what}`);
  let manifest: { formatVersion?: unknown; documents?: unknown; ignore?: unknown };
  try {
    manifest = JSON.parse(raw);
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message}).`);
  }
  if (manifest.formatVersion !== SUPPORTED_MANIFEST_VERSION) {
    throw invalid(`formatVersion is ${JSON.stringify(manifest.formatVersion)}; this build reads version ${SUPPORTED_MANIFEST_VERSION}.`);
  }
  const documents = manifest.documents ?? [];
  if (!Array.isArray(documents)) throw invalid(`"documents" must be a list.`);
  const ignore = manifest.ignore ?? [];
  if (!Array.isArray(ignore) || !ignore.every((f) => typeof f === "string")) throw invalid(`"ignore" must be a list of file paths.`);
  const entries = new Map<string, ManifestEntry>();
  for (const entry of documents as ManifestEntry[]) {
    if (typeof entry?.file !== "string" || entry.file.trim() === "") throw invalid(`every entry of "documents" needs a "file".`);
    const key = normalisePath(entry.file);
    if (entries.has(key)) throw invalid(`${entry.file} is listed twice.`);
    for (const field of ["docId", "title", "sourceFile"] as const) {
      if (entry[field] !== undefined && typeof entry[field] !== "string") throw invalid(`${entry.file}: "${field}" must be a string.`);
    }
    for (const field of ["author", "publisher", "date"] as const) {
      if (!isOptionalText(entry[field])) throw invalid(`${entry.file}: "${field}" must be a string or null.`);
    }
    entries.set(key, entry);
  }
  return { entries, ignore: new Set(ignore.map(normalisePath)) };
}

/** A relative path as the manifest and document records spell it: "/" separators, no leading "./". */
export function normalisePath(file: string): string {
  return path.posix.normalize(file.split(path.sep).join("/")).replace(/^\.\//, "");
}
