import path from "node:path";
import { RagError } from "../../errors.js";
import type { DocumentLocation } from "./locate.js";
import type { DocumentMetadataFields } from "./metadata.js";
import { extractText } from "./txt.js";

export { locationAt, type DocumentLocation } from "./locate.js";

export interface ExtractedDocument {
  /** What citation offsets index. .txt and .md: the file's text verbatim (UTF-8, BOM dropped). .html and .pdf: the extracted text. */
  text: string;
  /** Only what the file states; dates as ISO 8601 calendar dates (YYYY, YYYY-MM or YYYY-MM-DD). */
  metadata: DocumentMetadataFields;
  /** Sorted by start; the page (PDF) or heading path (Markdown, HTML) in force from each offset on. Empty for .txt. */
  locations: DocumentLocation[];
}

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.freeze([".txt", ".md", ".markdown", ".html", ".htm", ".pdf"]);

/** Bump whenever any extractor's output can change: stored extracted text is reused while this matches. */
export const EXTRACTOR_VERSION = "1";

/**
 * Text, stated metadata and locations of one file, chosen by its extension.
 * Each parser is imported on first use, so a corpus without, say, PDFs never
 * pays for pdf.js: cold imports measured 30-35 ms for parse5, 85-100 ms for
 * the Markdown parser with YAML, 80-90 ms for pdf.js plus about 100 ms for its
 * parser module on the first document, against 4-6 ms for this module.
 */
export async function extractDocument(bytes: Uint8Array, fileName: string): Promise<ExtractedDocument> {
  switch (path.extname(fileName).toLowerCase()) {
    case ".txt":
      return extractText(bytes, fileName);
    case ".md":
    case ".markdown":
      return (await import("./markdown.js")).extractMarkdown(bytes, fileName);
    case ".html":
    case ".htm":
      return (await import("./html.js")).extractHtml(bytes, fileName);
    case ".pdf":
      return (await import("./pdf.js")).extractPdf(bytes, fileName);
    default:
      throw new RagError("corpus_invalid", `${fileName}: unsupported file type; supported are ${SUPPORTED_EXTENSIONS.join(", ")}`);
  }
}
