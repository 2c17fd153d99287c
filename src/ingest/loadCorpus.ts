import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";
import type { CorpusDocument } from "../types.js";
import { timeSlices } from "../timeSlices.js";
import { MANIFEST_FILE, normalisePath, readCorpusManifest, type ManifestEntry } from "./corpusManifest.js";
import { assignDocIds, DOC_ID, titleFromFileName } from "./docIds.js";
import { EXTRACTOR_VERSION, extractDocument, SUPPORTED_EXTENSIONS, type ExtractedDocument } from "./formats/extract.js";

/** A document as ingested: what the API serves, and where it came from. */
export interface IngestedDocument extends CorpusDocument {
  /** Path relative to the corpus folder, "/" separated. */
  file: string;
  /** sha256 of the file's bytes: whether the stored extracted text still stands for them. */
  fileHash: string;
  /** sha256 of `text`: whether the stored spans and vectors still stand for it, and the corpus hash's input. */
  textHash: string;
  /** `EXTRACTOR_VERSION` of the code that made `text` from the bytes. */
  extractor: string;
  /** The metadata the file itself states, before the manifest overrides it. */
  stated: StatedMetadata;
}

export type StatedMetadata = Partial<Record<"title" | "author" | "publisher" | "date", string>>;

export interface Corpus {
  documents: IngestedDocument[];
  /** sha256 over every document's id, metadata and text: changes whenever the corpus does. */
  hash: string;
  /** Files left out, and why (an unsupported type, a file that could not be read). */
  skipped: { file: string; reason: string }[];
}

export interface LoadCorpusOptions {
  /**
   * Documents of the live build, by file: their text is reused while the
   * file's bytes and the extractor are unchanged, so an HTML or PDF file is
   * extracted once, never again differently.
   */
  previous?: () => Promise<ReadonlyMap<string, IngestedDocument> | undefined>;
  onProgress?: (progress: { phase: "read"; done: number; total: number }) => void;
}

// The folder's own settings, not documents: the manifest, and the answer code's alias groups
// (named here, not imported, so that src/answer stays out of the index fingerprint).
const CORPUS_SETTINGS_FILES = new Set([MANIFEST_FILE, "aliases.json"]);
const VERBATIM = new Set([".txt", ".md", ".markdown"]);
const isHidden = (relative: string) => relative.split("/").some((part) => part.startsWith("."));

/**
 * Every `.txt`, `.md`, `.html` and `.pdf` file under the folder (recursively,
 * hidden ones left out), with metadata from the file itself (front matter or
 * first heading, `<title>` and meta tags, PDF info, else the file name) and a
 * `manifest.json`, if there is one, overriding it per file.
 */
export async function loadCorpus(corpusDir: string, options: LoadCorpusOptions = {}): Promise<Corpus> {
  const manifest = await readCorpusManifest(corpusDir);
  let entries;
  try {
    entries = await readdir(corpusDir, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new RagError("corpus_invalid", `Cannot read the corpus folder ${corpusDir}: ${(error as Error).message}`);
  }
  const skipped: Corpus["skipped"] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = normalisePath(path.relative(corpusDir, path.join(entry.parentPath, entry.name)));
    if (isHidden(file) || CORPUS_SETTINGS_FILES.has(file) || manifest.ignore.has(file)) continue;
    if (SUPPORTED_EXTENSIONS.includes(path.extname(file).toLowerCase())) files.push(file);
    else skipped.push({ file, reason: `not a supported type (${SUPPORTED_EXTENSIONS.join(", ")})` });
  }
  files.sort();
  const present = new Set(files);
  for (const listed of manifest.entries.keys()) {
    if (!present.has(listed)) throw new RagError("corpus_invalid", `Corpus manifest lists ${listed}, which is not a supported file in ${corpusDir}.`);
  }
  const givenIds = new Map<string, string>();
  for (const [file, entry] of manifest.entries) if (entry.docId !== undefined) givenIds.set(file, entry.docId);
  const ids = assignDocIds(files, givenIds);
  const seen = new Map<string, string>();
  for (const [file, docId] of ids) {
    if (!DOC_ID.test(docId)) throw new RagError("corpus_invalid", `Corpus manifest: docId ${JSON.stringify(docId)} of ${file} is not a lowercase slug.`);
    if (seen.has(docId)) throw new RagError("corpus_invalid", `Corpus manifest: docId ${docId} is given to both ${seen.get(docId)} and ${file}.`);
    seen.set(docId, file);
  }

  const documents: IngestedDocument[] = [];
  let previous: Promise<ReadonlyMap<string, IngestedDocument> | undefined> | undefined;
  const slices = timeSlices();
  for (const [i, file] of files.entries()) {
    if (slices.due()) await slices.pause();
    const bytes = await readFile(path.join(corpusDir, file));
    const fileHash = createHash("sha256").update(bytes).digest("hex");
    // Plain text and Markdown are their own text: only other formats look the live build up.
    const before = VERBATIM.has(path.extname(file).toLowerCase()) ? undefined : (await (previous ??= options.previous?.() ?? Promise.resolve(undefined)))?.get(file);
    const reusable = before && before.fileHash === fileHash && before.extractor === EXTRACTOR_VERSION;
    let extracted;
    try {
      extracted = reusable ? { text: before.text, metadata: before.stated, locations: before.locations } : await extractDocument(bytes, file);
    } catch (error) {
      if (manifest.entries.has(file)) throw error;
      skipped.push({ file, reason: (error as Error).message });
      continue;
    } finally {
      options.onProgress?.({ phase: "read", done: i + 1, total: files.length });
    }
    if (extracted.text.trim() === "") {
      skipped.push({ file, reason: "it holds no text" });
      continue;
    }
    documents.push(ingestedDocument({ file, docId: ids.get(file)!, fileHash, extracted, entry: manifest.entries.get(file) }));
  }
  if (documents.length === 0) {
    throw new RagError(
      "corpus_invalid",
      `The corpus folder ${corpusDir} holds no document to serve: put ${SUPPORTED_EXTENSIONS.join(", ")} files in it (subfolders count).` +
        (skipped.length ? ` Left out: ${skipped.map((s) => `${s.file} (${s.reason})`).join("; ")}.` : ""),
    );
  }
  return { documents, hash: hashDocuments(documents), skipped };
}

/** A document from its file's extracted text, the file's own metadata overridden by its manifest entry, if any. */
export function ingestedDocument({ file, docId, fileHash, extracted, entry }: {
  file: string;
  docId: string;
  fileHash: string;
  extracted: Pick<ExtractedDocument, "text" | "metadata" | "locations">;
  entry?: ManifestEntry;
}): IngestedDocument {
  const stated = (field: "author" | "publisher" | "date") => (entry && entry[field] !== undefined ? entry[field] : extracted.metadata[field]) ?? null;
  return {
    docId,
    title: entry?.title ?? extracted.metadata.title ?? titleFromFileName(file),
    author: stated("author"),
    publisher: stated("publisher"),
    date: stated("date"),
    sourceFile: entry?.sourceFile ?? file,
    text: extracted.text,
    locations: extracted.locations,
    file,
    fileHash,
    textHash: createHash("sha256").update(extracted.text).digest("hex"),
    extractor: EXTRACTOR_VERSION,
    stated: extracted.metadata,
  };
}

/** A corpus of documents already read (a store's own, or those after a change made over the API). */
export function corpusOf(documents: IngestedDocument[]): Corpus {
  return { documents, hash: hashDocuments(documents), skipped: [] };
}

/** Each document's id, metadata and text hash: the texts themselves are hashed once, per document. */
export function hashDocuments(documents: readonly IngestedDocument[]): string {
  const hash = createHash("sha256");
  for (const doc of documents) hash.update(JSON.stringify([doc.docId, doc.title, doc.author, doc.publisher, doc.date, doc.sourceFile, doc.textHash]) + "\n");
  return hash.digest("hex");
}
