import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { isCitedRagClient, type CitedRagClient } from "../client/index.js";
import type { Rag } from "../rag.js";
import type { SearchResponse, SearchResult, Span } from "../schemas.js";

/** The service in this process, or a remote one through its HTTP client: both search and answer the same way. */
export type CitedRagSource = Rag | CitedRagClient;

export interface CitedRagRetrieverInput extends BaseRetrieverInput {
  source: CitedRagSource;
  /** Passages per query; the service's default when omitted. */
  k?: number;
}

export interface CitedRagDocumentMetadata extends Record<string, unknown> {
  docId: string;
  title: string;
  start: number;
  end: number;
  rank: number;
  score: number;
  page?: number;
  headingPath?: string[];
  /**
   * The passage as a span that can be checked against the document
   * (`client.verifyCitation(metadata.citation)`), kept whole even if a chain
   * rewrites pageContent (compressors, splitters).
   */
  citation: Pick<Span, "docId" | "start" | "end" | "text">;
}

/** Passages from `/v1/search` (or the core's search) as LangChain Documents, each carrying a verifiable citation. */
export class CitedRagRetriever extends BaseRetriever<CitedRagDocumentMetadata> {
  override lc_namespace = ["cited_rag", "retrievers"];

  static override lc_name() {
    return "CitedRagRetriever";
  }

  readonly source: CitedRagSource;
  readonly k?: number;

  constructor(fields: CitedRagRetrieverInput) {
    super(fields);
    this.source = fields.source;
    this.k = fields.k;
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<CitedRagDocumentMetadata>[]> {
    const { results } = await searchSource(this.source, query, this.k);
    return results.map(toDocument);
  }
}

function searchSource(source: CitedRagSource, query: string, k: number | undefined): Promise<SearchResponse> {
  if (isCitedRagClient(source)) return source.search(query, k === undefined ? {} : { k });
  return source.search(k === undefined ? { query } : { query, k });
}

export function toDocument(result: SearchResult): Document<CitedRagDocumentMetadata> {
  const { docId, title, start, end, rank, score, page, headingPath, text } = result;
  return new Document({
    pageContent: text,
    id: `${docId}:${start}-${end}`,
    metadata: {
      docId,
      title,
      start,
      end,
      rank,
      score,
      ...(page !== undefined && { page }),
      ...(headingPath !== undefined && { headingPath }),
      citation: { docId, start, end, text },
    },
  });
}
