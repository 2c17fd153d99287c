import { z } from "zod";

// The one description of what goes over the wire. Request validation (the
// core, every transport), the TypeScript types (`types.ts`), OpenAPI
// (`GET /openapi.json`), the LLM tool definitions (`GET /v1/tools`), the MCP
// tools and the typed client all come from these schemas.

/** Version of the API's shapes; a breaking change to any schema here bumps it. */
export const API_VERSION = "1.0.0";

export const SpanSchema = z.object({
  docId: z.string().describe("Id of the document the span is taken from (GET /v1/documents/{docId})."),
  start: z.int().min(0).describe("Offset of the span's first character in the document's text (UTF-16 code units)."),
  end: z.int().min(0).describe("Offset just past the span's last character: text === document.text.slice(start, end)."),
  text: z.string().describe("The span, verbatim."),
});

export const SourceLocationSchema = z.object({
  page: z.int().min(1).optional().describe("1-based page of a PDF where the span starts."),
  headingPath: z.array(z.string()).optional().describe("Headings above the span in a Markdown or HTML file, outermost first."),
});

export const DocumentLocationSchema = SourceLocationSchema.extend({
  start: z.int().min(0).describe("Offset from which this location applies, up to the next location's start."),
});

/** A span with where it sits in the original file and its document's title: what results and citations share. */
const LocatedSpanSchema = SpanSchema.extend(SourceLocationSchema.shape).extend({ title: z.string().describe("Title of the document.") });

export const SearchResultSchema = LocatedSpanSchema.extend({
  rank: z.int().min(1).describe("1 for the best passage."),
  score: z.number().describe("Relevance score; higher is better; comparable within one response only."),
});

export const SearchResponseSchema = z.object({
  query: z.string().describe("The query as searched (trimmed)."),
  results: z.array(SearchResultSchema),
});

export const CitationSchema = LocatedSpanSchema.extend({
  marker: z.int().min(1).describe("The [n] marker in the answer that refers to this citation."),
  score: z.number().describe("How well the cited span matches the question; higher is better."),
});

export const AskResponseSchema = z.object({
  question: z.string().describe("The question as answered (trimmed)."),
  answerable: z
    .boolean()
    .describe("false when the documents do not answer the question: then say you don't know; the citations are only the nearest passages."),
  answer: z.string().describe("Verbatim quotes from the documents, each followed by its [n] marker; never invented text."),
  citations: z.array(CitationSchema),
});

export const DocumentMetadataSchema = z.object({
  docId: z.string(),
  title: z.string(),
  author: z.string().nullable(),
  publisher: z.string().nullable(),
  date: z.string().nullable(),
  sourceFile: z.string().describe("The file in the corpus folder the document was read from."),
});

export const DocumentListSchema = z.object({ documents: z.array(DocumentMetadataSchema) });

export const DocumentSchema = DocumentMetadataSchema.extend({
  text: z.string().describe("The text every offset indexes into: verbatim for .txt and .md, the extracted text for .html and .pdf."),
  locations: z.array(DocumentLocationSchema).describe("Where spans sit in the original file (pages, heading paths); empty for plain text."),
});

export const DocumentChangeResponseSchema = z.object({
  docId: z.string(),
  status: z.enum(["added", "replaced", "deleted"]),
  document: DocumentMetadataSchema.optional().describe("The document as now served; absent after a deletion."),
  index: z.object({
    reason: z.string().nullable().describe("Why the index was rebuilt, if it was."),
    documents: z.int().min(0),
    chunks: z.int().min(0),
  }),
});

export const ReindexStatusSchema = z.object({
  state: z.enum(["idle", "running", "succeeded", "failed"]).describe("idle: none requested since start; running: the old index serves meanwhile."),
  force: z.boolean().optional().describe("Whether every document is re-embedded, not only new and changed ones."),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  reason: z.string().nullable().optional().describe("Why the index was rebuilt (or null when it already matched the corpus)."),
  documents: z.int().min(0).optional(),
  chunks: z.int().min(0).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional().describe("Why the re-index failed; the previous index keeps serving."),
});

export const ReindexRequestSchema = z.object({
  force: z.boolean().optional().describe("Re-embed every document (default: only new and changed ones)."),
});

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe("Stable error code (see the error table in the README)."),
    message: z.string().describe("What was wrong, in words a person can act on."),
  }),
});

export const HealthSchema = z.object({ status: z.string() });

/** The limits request validation applies, from configuration. */
export interface RequestLimits {
  defaultK: number;
  maxK: number;
  maxQueryChars: number;
}

const queryText = (limits: RequestLimits) => z.string().max(limits.maxQueryChars).trim().min(1);

const resultCount = (limits: RequestLimits, what: string) =>
  z
    .int()
    .min(1)
    .max(limits.maxK)
    .nullish()
    .describe(`How many passages ${what}, 1 to ${limits.maxK}; omitted or null means ${limits.defaultK}.`);

export function searchRequestSchema(limits: RequestLimits) {
  return z.object({
    query: queryText(limits).describe(`What to look for, in natural language (at most ${limits.maxQueryChars} characters).`),
    k: resultCount(limits, "to return"),
  });
}

export function askRequestSchema(limits: RequestLimits) {
  return z.object({
    question: queryText(limits).describe(`The question, in natural language (at most ${limits.maxQueryChars} characters).`),
    k: resultCount(limits, "to answer from"),
  });
}

export function documentSliceRequestSchema() {
  return z.object({
    docId: z.string().min(1).describe("A docId from a citation or from the document list."),
    start: z.int().min(0).optional().describe("Offset to start reading at (default 0)."),
    end: z.int().min(0).optional().describe("Offset to stop reading at (default: the end of the document)."),
  });
}

export type Span = z.infer<typeof SpanSchema>;
export type SourceLocation = z.infer<typeof SourceLocationSchema>;
export type DocumentLocation = z.infer<typeof DocumentLocationSchema>;
export type SearchResult = z.infer<typeof SearchResultSchema>;
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
export type Citation = z.infer<typeof CitationSchema>;
export type AskResponse = z.infer<typeof AskResponseSchema>;
export type DocumentMetadata = z.infer<typeof DocumentMetadataSchema>;
export type DocumentResponse = z.infer<typeof DocumentSchema>;
export type DocumentChangeResponse = z.infer<typeof DocumentChangeResponseSchema>;
export type ReindexStatus = z.infer<typeof ReindexStatusSchema>;
