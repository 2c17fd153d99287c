import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RagConfig } from "../config.js";
import { RagError } from "../errors.js";
import { readCorpusManifest } from "../ingest/corpusManifest.js";
import { assignDocIds } from "../ingest/docIds.js";
import { extractDocument, SUPPORTED_EXTENSIONS, type ExtractedDocument } from "../ingest/formats/extract.js";
import { corpusOf, ingestedDocument, type Corpus, type IngestedDocument } from "../ingest/loadCorpus.js";

export interface DocumentUpload {
  /** The bearer token the request carried. */
  token?: string;
  /** The uploaded file's name; only its last part is used. */
  fileName?: string;
  bytes?: Uint8Array;
}

/** Document changes are off unless an admin token is configured, and need that token. */
export function authorize(config: Pick<RagConfig, "adminToken">, token: string | undefined): void {
  if (!config.adminToken) {
    throw new RagError("forbidden", "Adding and deleting documents is turned off; set ADMIN_TOKEN to turn it on.");
  }
  const given = Buffer.from(token ?? "");
  const expected = Buffer.from(config.adminToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new RagError("unauthorized", "Send the admin token as Authorization: Bearer <token>.");
  }
}

/** A file name safe to write into the corpus folder: its last part, other characters than letters, digits, ".", "_" and "-" made "-". */
function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop()!.normalize("NFKD").replace(/[^\w.-]+/g, "-").replace(/^[.-]+/, "");
  return base;
}

export interface CheckedUpload {
  file: string;
  bytes: Uint8Array;
  docId: string;
  extracted: ExtractedDocument;
}

/** Checks an upload before anything is written: name, type, size, that its text can be extracted, and that its id is free. */
export async function checkUpload(
  config: Pick<RagConfig, "maxUploadBytes" | "corpusDir">,
  upload: DocumentUpload,
  documents: readonly IngestedDocument[],
): Promise<CheckedUpload> {
  const { fileName, bytes } = upload;
  if (!fileName || !bytes) throw new RagError("invalid_request", 'Send the document as multipart/form-data with the file in the field "file".');
  const file = safeFileName(fileName);
  const extension = path.extname(file).toLowerCase();
  if (!file || !SUPPORTED_EXTENSIONS.includes(extension)) {
    throw new RagError("unsupported_media_type", `${JSON.stringify(fileName)} is not a supported document; send one of ${SUPPORTED_EXTENSIONS.join(", ")}.`);
  }
  if (bytes.byteLength > config.maxUploadBytes) {
    throw new RagError("payload_too_large", `The document is ${bytes.byteLength} bytes; the limit is ${config.maxUploadBytes} (MAX_UPLOAD_BYTES).`);
  }
  let extracted: ExtractedDocument;
  try {
    extracted = await extractDocument(bytes, file);
  } catch (error) {
    throw new RagError("invalid_document", `${file} cannot be read: ${(error as Error).message}`);
  }
  if (extracted.text.trim() === "") throw new RagError("invalid_document", `${file} holds no text.`);
  const manifest = await readCorpusManifest(config.corpusDir);
  if (manifest.entries.has(file)) throw new RagError("conflict", `${file} is listed in the corpus's manifest.json; change it there.`);
  const docId = assignDocIds([file], new Map()).get(file)!;
  const holder = documents.find((d) => d.docId === docId && d.file !== file);
  if (holder) throw new RagError("conflict", `The document id ${docId} belongs to ${holder.file}; upload under another name or delete ${docId} first.`);
  return { file, bytes, docId, extracted };
}

/** Where a change can be undone from: the file's bytes before it, or none when it did not exist. */
export interface Undo {
  file: string;
  before: Buffer | undefined;
}

/** Writes a corpus file atomically (temp file + rename); the undo puts back what was there. */
export async function writeCorpusFile(corpusDir: string, file: string, bytes: Uint8Array): Promise<Undo> {
  const target = path.join(corpusDir, file);
  const before = await readFile(target).catch(() => undefined);
  // Hidden, so a concurrent scan of the folder never takes it for a document.
  const temp = path.join(corpusDir, `.upload-${randomBytes(6).toString("hex")}`);
  await writeFile(temp, bytes);
  await rename(temp, target);
  return { file, before };
}

/** A document deleted over the API must not be one the manifest describes: the manifest would then name a missing file. */
export async function checkRemoval(corpusDir: string, document: IngestedDocument): Promise<void> {
  if ((await readCorpusManifest(corpusDir)).entries.has(document.file)) {
    throw new RagError("conflict", `${document.docId} (${document.file}) is listed in the corpus's manifest.json; remove it there and from the folder.`);
  }
}

export async function removeCorpusFile(corpusDir: string, file: string): Promise<Undo> {
  const target = path.join(corpusDir, file);
  const before = await readFile(target);
  await rm(target);
  return { file, before };
}

export async function undo(corpusDir: string, change: Undo): Promise<void> {
  const target = path.join(corpusDir, change.file);
  if (change.before) await writeFile(target, change.before);
  else await rm(target, { force: true });
}

/**
 * The documents after an upload, for a shared store (pgvector), whose
 * documents live in the database rather than in a folder: the upload added,
 * or replacing the document of the same file, in file order as a folder's.
 */
export function corpusWithUpload(corpus: Corpus, upload: CheckedUpload): { corpus: Corpus; replaced: boolean } {
  const fileHash = createHash("sha256").update(upload.bytes).digest("hex");
  const added = ingestedDocument({ file: upload.file, docId: upload.docId, fileHash, extracted: upload.extracted });
  const others = corpus.documents.filter((d) => d.file !== upload.file);
  const documents = [...others, added].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { corpus: corpusOf(documents), replaced: others.length < corpus.documents.length };
}

/** The documents without one, for a shared store. */
export function corpusWithout(corpus: Corpus, docId: string): Corpus {
  return corpusOf(corpus.documents.filter((d) => d.docId !== docId));
}
