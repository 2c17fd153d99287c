import { z } from "zod";
import type { Rag } from "../rag.js";
import { RagError } from "../errors.js";
import { parseDocumentSliceRequest } from "../request.js";
import {
  AskResponseSchema,
  SearchResponseSchema,
  askRequestSchema,
  documentSliceRequestSchema,
  searchRequestSchema,
  type AskResponse,
  type Citation,
  type RequestLimits,
  type SearchResponse,
} from "../schemas.js";

// The service as tools for a language model: one table that the MCP server,
// `GET /v1/tools` (function definitions for LLM tool calling) and the
// LangChain tool all read, so names, descriptions and schemas are written once.

/** A text slice of one document, as `get_document` returns it. */
export const DocumentSliceSchema = z.object({
  docId: z.string(),
  title: z.string(),
  start: z.int().min(0).describe("Offset of the slice's first character in the document's text."),
  end: z.int().min(0).describe("Offset just past the slice."),
  length: z.int().min(0).describe("Length of the whole document's text."),
  text: z.string().describe("document.text.slice(start, end), verbatim."),
});
export type DocumentSlice = z.infer<typeof DocumentSliceSchema>;

/** Most characters `get_document` returns when no `end` is given: a whole long document would flood a model's context. */
export const DEFAULT_SLICE_CHARS = 8000;

export interface ToolSpec<Output> {
  name: string;
  /** For the model: what the tool does and when to call it. */
  description: string;
  inputSchema: z.ZodObject;
  outputSchema: z.ZodType<Output>;
  /** Runs the tool; arguments are validated by the core, errors are `RagError`s; an aborted signal stops the work. */
  run(rag: Rag, args: unknown, signal?: AbortSignal): Promise<Output>;
  /** The result as text a model reads: the answer with its [n] markers and a numbered source list. */
  render(output: Output): string;
}

const toolTables = new WeakMap<RequestLimits, ReturnType<typeof buildChatTools>>();

/** The tools for one configuration, built once: stateless MCP over HTTP makes a server per request. */
export function chatTools(limits: RequestLimits): ReturnType<typeof buildChatTools> {
  let tools = toolTables.get(limits);
  if (!tools) toolTables.set(limits, (tools = buildChatTools(limits)));
  return tools;
}

function buildChatTools(limits: RequestLimits) {
  const search: ToolSpec<SearchResponse> = {
    name: "search_corpus",
    description:
      "Search the document collection for passages relevant to a query. Returns verbatim passages with their document id and character offsets. " +
      "Use it to explore what the documents say about a topic; to answer a specific question with cited quotes, call `ask` instead.",
    inputSchema: searchRequestSchema(limits),
    outputSchema: SearchResponseSchema,
    run: (rag, args) => rag.search(args),
    render: (output) =>
      output.results.length === 0
        ? "No passages found."
        : output.results.map((r) => `[${r.rank}] ${r.title} (${r.docId}, characters ${r.start}–${r.end})\n${r.text}`).join("\n\n"),
  };
  const ask: ToolSpec<AskResponse> = {
    name: "ask",
    description:
      "Answer a question from the document collection with verbatim quotes, each marked [n] and backed by a citation (document id and character offsets) that can be checked. " +
      "Call it for any factual question about the documents. If the result has `answerable: false`, the documents do not answer the question: " +
      "say that you don't know rather than answering from memory; the passages listed are only the nearest ones.",
    inputSchema: askRequestSchema(limits),
    outputSchema: AskResponseSchema,
    run: (rag, args, signal) => rag.ask(args, signal ? { signal } : {}),
    render: (output) =>
      output.answerable
        ? `${output.answer}\n\nSources:\n${output.citations.map(source).join("\n")}`
        : `The documents do not answer this question (answerable: false). Say you don't know.\n\nNearest passages, for reference only:\n${output.citations.map(source).join("\n")}`,
  };
  const getDocument: ToolSpec<DocumentSlice> = {
    name: "get_document",
    description:
      "Read a document's text, or the part of it between two character offsets, for instance around a citation's start and end to see its context. " +
      `Without \`end\`, at most ${DEFAULT_SLICE_CHARS} characters are returned from \`start\`.`,
    inputSchema: documentSliceRequestSchema(),
    outputSchema: DocumentSliceSchema,
    run: async (rag, args) => readSlice(rag, args),
    render: (output) => `${output.title} (${output.docId}), characters ${output.start}–${output.end} of ${output.length}:\n\n${output.text}`,
  };
  return { search, ask, getDocument } as const;
}

export type ChatTools = ReturnType<typeof buildChatTools>;

function source(c: Citation): string {
  return `[${c.marker}] ${c.title} (${c.docId}, characters ${c.start}–${c.end}): "${c.text}"`;
}

function readSlice(rag: Rag, args: unknown): DocumentSlice {
  const { docId, start = 0, end } = parseDocumentSliceRequest(args, rag.config);
  const document = rag.getDocument(docId);
  const length = document.text.length;
  const stop = end ?? Math.min(length, start + DEFAULT_SLICE_CHARS);
  if (start > length || stop > length || start > stop) {
    throw new RagError("invalid_request", `The range ${start}–${stop} is outside the document, which has ${length} characters (0 ≤ start ≤ end ≤ ${length}).`);
  }
  return { docId, title: document.title, start, end: stop, length, text: document.text.slice(start, stop) };
}

/** JSON Schema of a zod schema, as tool-calling APIs and OpenAPI 3.1 take it. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** Function definitions in the shape LLM tool-calling APIs accept: name, description, JSON-Schema parameters. */
export function toolDefinitions(limits: RequestLimits) {
  return Object.values(chatTools(limits)).map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: jsonSchemaOf(tool.inputSchema, "input"),
  }));
}
