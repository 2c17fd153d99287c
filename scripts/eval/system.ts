import type { AskResponse, SearchResponse } from "../../src/types.js";

/**
 * Anything the evaluation can score: this service in-process, a server over
 * HTTP, or a peer baseline built from stock LangChain parts.
 */
export interface EvaluatedSystem {
  readonly name: string;
  search(query: string, k: number): Promise<Pick<SearchResponse, "results">>;
  ask(question: string): Promise<Pick<AskResponse, "answerable" | "answer" | "citations">>;
  /** Verbatim text of a document, to verify citations; null when the id is unknown. */
  documentText(docId: string): Promise<string | null>;
  close?(): Promise<void>;
}
