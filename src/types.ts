/** A document of the corpus: verbatim text plus the metadata its text states. */
export interface DocumentMetadata {
  docId: string;
  title: string;
  author: string | null;
  publisher: string | null;
  date: string | null;
  sourceFile: string;
}

/** Where a span sits in the original file: applies from `start` up to the next location's start. */
export interface DocumentLocation {
  start: number;
  /** 1-based page of a PDF. */
  page?: number;
  /** The headings above the span in a Markdown or HTML file, outermost first. */
  headingPath?: string[];
}

export interface CorpusDocument extends DocumentMetadata {
  /**
   * Every offset in the service indexes into this string: the file's text
   * verbatim for .txt and .md, the extracted text for .html and .pdf.
   */
  text: string;
  /** Sorted by start; empty for plain text. */
  locations: DocumentLocation[];
}

/** A verbatim slice of one document: `document.text.slice(start, end) === text`. */
export interface Span {
  docId: string;
  start: number;
  end: number;
  text: string;
}

/** Where a cited span is found in the original file, when the format says: the page of a PDF, the headings above it in Markdown and HTML. */
export interface SourceLocation {
  page?: number;
  headingPath?: string[];
}

export interface SearchResult extends Span, SourceLocation {
  rank: number;
  score: number;
  title: string;
}

export interface SearchResponse {
  query: string;
  results: SearchResult[];
}

export interface Citation extends Span, SourceLocation {
  marker: number;
  title: string;
  score: number;
}

export interface AskResponse {
  question: string;
  answerable: boolean;
  answer: string;
  citations: Citation[];
}

/** What `POST /v1/documents` and `DELETE /v1/documents/:docId` did. */
export interface DocumentChangeResponse {
  docId: string;
  status: "added" | "replaced" | "deleted";
  /** The document as now served; absent after a deletion. */
  document?: DocumentMetadata;
  /** The index after the change: why it was rebuilt, and what it now holds. */
  index: { reason: string | null; documents: number; chunks: number };
}
