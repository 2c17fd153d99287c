import { readFile } from "node:fs/promises";
import path from "node:path";
import { createHash } from "node:crypto";
import { RagError } from "../errors.js";
import type { CorpusDocument } from "../types.js";

const SUPPORTED_MANIFEST_VERSION = 1;
const DOC_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

interface ManifestEntry {
  docId: string;
  file: string;
  sourceFile?: string;
  title: string;
  author?: string | null;
  publisher?: string | null;
  date?: string | null;
}

export interface Corpus {
  documents: CorpusDocument[];
  /** sha256 over every document's id, metadata and text: changes whenever the corpus does. */
  hash: string;
}

/** Reads `manifest.json` and the texts it lists, verbatim, refusing anything ambiguous. */
export async function loadCorpus(corpusDir: string): Promise<Corpus> {
  const manifestPath = path.join(corpusDir, "manifest.json");
  let manifest: { formatVersion?: unknown; documents?: unknown };
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch (cause) {
    throw new RagError("corpus_invalid", `Cannot read corpus manifest ${manifestPath}: ${(cause as Error).message}`, { cause });
  }
  if (manifest.formatVersion !== SUPPORTED_MANIFEST_VERSION) {
    throw new RagError(
      "corpus_invalid",
      `Corpus manifest ${manifestPath} has formatVersion ${JSON.stringify(manifest.formatVersion)}; this build reads version ${SUPPORTED_MANIFEST_VERSION}.`,
    );
  }
  if (!Array.isArray(manifest.documents) || manifest.documents.length === 0) {
    throw new RagError("corpus_invalid", `Corpus manifest ${manifestPath} lists no documents.`);
  }
  const seen = new Set<string>();
  const documents: CorpusDocument[] = [];
  for (const entry of manifest.documents as ManifestEntry[]) {
    if (typeof entry.docId !== "string" || !DOC_ID.test(entry.docId)) {
      throw new RagError("corpus_invalid", `Corpus manifest ${manifestPath}: docId ${JSON.stringify(entry.docId)} is not a lowercase slug.`);
    }
    if (seen.has(entry.docId)) {
      throw new RagError("corpus_invalid", `Corpus manifest ${manifestPath}: docId ${entry.docId} appears twice.`);
    }
    if (typeof entry.title !== "string" || typeof entry.file !== "string") {
      throw new RagError("corpus_invalid", `Corpus manifest ${manifestPath}: document ${entry.docId} needs a title and a file.`);
    }
    seen.add(entry.docId);
    const filePath = path.join(corpusDir, entry.file);
    let text: string;
    try {
      text = await readFile(filePath, "utf8");
    } catch (cause) {
      throw new RagError("corpus_invalid", `Cannot read ${filePath} (document ${entry.docId}): ${(cause as Error).message}`, { cause });
    }
    documents.push({
      docId: entry.docId,
      title: entry.title,
      author: entry.author ?? null,
      publisher: entry.publisher ?? null,
      date: entry.date ?? null,
      sourceFile: entry.sourceFile ?? entry.file,
      text,
    });
  }
  return { documents, hash: hashDocuments(documents) };
}

export function hashDocuments(documents: CorpusDocument[]): string {
  const hash = createHash("sha256");
  for (const doc of documents) {
    hash.update(JSON.stringify([doc.docId, doc.title, doc.author, doc.publisher, doc.date, doc.sourceFile]));
    hash.update("\0");
    hash.update(doc.text);
    hash.update("\0");
  }
  return hash.digest("hex");
}
