import type { DocumentLocation, DocumentMetadata } from "./schemas.js";

// The API's shapes are defined once, as schemas (`schemas.ts`); these are their types.
export type {
  AskResponse,
  Citation,
  DocumentChangeResponse,
  DocumentLocation,
  DocumentMetadata,
  SearchResponse,
  SearchResult,
  SourceLocation,
  Span,
} from "./schemas.js";

export interface CorpusDocument extends DocumentMetadata {
  /**
   * Every offset in the service indexes into this string: the file's text
   * verbatim for .txt and .md, the extracted text for .html and .pdf.
   */
  text: string;
  /** Sorted by start; empty for plain text. */
  locations: DocumentLocation[];
}
