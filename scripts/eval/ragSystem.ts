import type { Rag } from "../../src/rag.js";
import type { EvaluatedSystem } from "./system.js";

/** This service, in-process: the same core the HTTP adapter calls. */
export function ragSystem(rag: Rag, name = "cited-rag"): EvaluatedSystem {
  return {
    name,
    search: (query, k) => rag.search({ query, k }),
    ask: (question) => rag.ask({ question }),
    documentText: async (docId) => {
      try {
        return rag.getDocument(docId).text;
      } catch {
        return null;
      }
    },
  };
}
