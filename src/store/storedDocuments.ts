import { readFile } from "node:fs/promises";
import path from "node:path";
import type { IngestedDocument } from "../ingest/loadCorpus.js";
import { BUILD_FILES } from "./buildFiles.js";

/**
 * A document as a build keeps it: everything the corpus loader produced (the
 * extracted text of HTML and PDF files included, so it is never extracted
 * again differently), and which rows of the build's chunks and sentences are
 * its own, `[first, end)`.
 */
export interface StoredDocument extends IngestedDocument {
  chunkRows: [number, number];
  sentenceRows: [number, number];
}

const isRange = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length === 2 && value.every(Number.isInteger) && value[0] <= value[1];

function isStoredDocument(value: unknown): value is StoredDocument {
  const d = value as StoredDocument;
  return (
    typeof d === "object" && d !== null &&
    ["docId", "title", "sourceFile", "text", "file", "fileHash", "extractor", "textHash"].every((k) => typeof d[k as keyof StoredDocument] === "string") &&
    Array.isArray(d.locations) && typeof d.stated === "object" && d.stated !== null &&
    isRange(d.chunkRows) && isRange(d.sentenceRows)
  );
}

/** The documents of a build, or undefined when it has none that can be read (an older or damaged build: then nothing is reused). */
export async function readStoredDocuments(buildDir: string): Promise<StoredDocument[] | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path.join(buildDir, BUILD_FILES.documents), "utf8"));
    return Array.isArray(value) && value.every(isStoredDocument) ? value : undefined;
  } catch {
    return undefined;
  }
}
