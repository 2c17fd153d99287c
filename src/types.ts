/** A document of the corpus: verbatim text plus the metadata its text states. */
export interface DocumentMetadata {
  docId: string;
  title: string;
  author: string | null;
  publisher: string | null;
  date: string | null;
  sourceFile: string;
}

export interface CorpusDocument extends DocumentMetadata {
  /** Verbatim text; every offset in the service indexes into this string. */
  text: string;
}

/** A verbatim slice of one document: `document.text.slice(start, end) === text`. */
export interface Span {
  docId: string;
  start: number;
  end: number;
  text: string;
}

export interface SearchResult extends Span {
  rank: number;
  score: number;
  title: string;
}

export interface SearchResponse {
  query: string;
  results: SearchResult[];
}

export interface Citation extends Span {
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
