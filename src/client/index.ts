import { z } from "zod";
import { ERROR_STATUS } from "../errors.js";
import {
  AskResponseSchema,
  DocumentListSchema,
  DocumentSchema,
  ErrorBodySchema,
  SearchResponseSchema,
  type AskResponse,
  type Citation,
  type DocumentMetadata,
  type DocumentResponse,
  type SearchResponse,
  type SearchResult,
  type Span,
} from "../schemas.js";
import { readServerSentEvents } from "./sse.js";

// A typed client for the HTTP API. Every response is checked against the same
// schemas the server validates with, so a server that drifts from the contract
// fails here, at the boundary, instead of as an undefined field three calls later.

export type { AskResponse, Citation, DocumentMetadata, DocumentResponse, SearchResponse, SearchResult, Span };
export type { ServerSentEvent } from "./sse.js";

export interface ClientOptions {
  /** Where the service runs, e.g. http://127.0.0.1:3000 (a trailing slash is ignored). */
  baseUrl: string;
  /** Another fetch (tests, proxies, retries); the global one by default. */
  fetch?: typeof fetch;
  /** Sent with every request, e.g. an authorization header for a gateway in front of the service. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface QueryOptions extends RequestOptions {
  /** How many passages to return or answer from; the server's default when omitted. */
  k?: number;
}

export type AskStreamEvent = { type: "passages"; data: SearchResponse } | { type: "answer"; data: AskResponse } | { type: "done" };

export interface CitationCheck {
  valid: boolean;
  /** Why the citation does not hold, when it does not. */
  reason?: string;
}

/** What a citation check needs: a search result or a citation both have it. */
export type CitationSpan = Pick<Span, "docId" | "start" | "end" | "text">;

export interface CitedRagClient {
  readonly baseUrl: string;
  search(query: string, options?: QueryOptions): Promise<SearchResponse>;
  ask(question: string, options?: QueryOptions): Promise<AskResponse>;
  /** The answer as server-sent events: the passages first, then the answer, then done. */
  askStream(question: string, options?: QueryOptions): AsyncIterable<AskStreamEvent>;
  listDocuments(options?: RequestOptions): Promise<DocumentMetadata[]>;
  /** Always asks the server; the answer also refreshes the cache `verifyCitation` reads. */
  getDocument(docId: string, options?: RequestOptions): Promise<DocumentResponse>;
  /**
   * Whether the cited text is what the document holds at the cited offsets.
   * A document that does not exist makes the citation invalid; a server that
   * cannot be reached or fails rejects, since that says nothing about the citation.
   */
  verifyCitation(citation: CitationSpan, options?: RequestOptions): Promise<CitationCheck>;
}

/** Codes the client reports itself, beside the server's error codes. */
export type ClientErrorCode = "invalid_response" | "http_error";

export class CitedRagError extends Error {
  /**
   * The HTTP status; for an `error` event in a stream (whose response was
   * already 200), the status the server's error table gives its code.
   */
  readonly status: number;
  /** The server's error code (see the README's error table), or a ClientErrorCode. */
  readonly code: string;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CitedRagError";
    this.status = status;
    this.code = code;
  }
}

/** Tells the remote client from other sources (the in-process core) by its shape. */
export function isCitedRagClient(value: unknown): value is CitedRagClient {
  const candidate = value as Partial<CitedRagClient> | null;
  return typeof candidate === "object" && candidate !== null && typeof candidate.askStream === "function" && typeof candidate.verifyCitation === "function";
}

/**
 * Checks a citation against the text of its document, as served by
 * GET /v1/documents/:docId: integer offsets within the text, and the text
 * between them equal to the quote.
 */
export function verifyCitationAgainst(documentText: string, citation: Pick<Span, "start" | "end" | "text">): CitationCheck {
  const { start, end, text } = citation;
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    return { valid: false, reason: `The offsets must be integers; got start ${String(start)} and end ${String(end)}.` };
  }
  if (start < 0 || end > documentText.length || start > end) {
    return { valid: false, reason: `The range ${start}–${end} is outside the document, which has ${documentText.length} characters.` };
  }
  const actual = documentText.slice(start, end);
  if (actual === text) return { valid: true };
  // Where the quote really is tells shifted offsets apart from altered text.
  const elsewhere = text === "" ? -1 : documentText.indexOf(text);
  const found = elsewhere === -1 ? "the quoted text does not occur in the document" : `the quoted text occurs at ${elsewhere}–${elsewhere + text.length}`;
  return { valid: false, reason: `The document's text at ${start}–${end} is ${preview(actual)}, not ${preview(text)}; ${found}.` };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}…` : text);
}

export function createClient(options: ClientOptions): CitedRagClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  // Pending requests are cached too, so a batch of citations from one answer fetches each document once.
  const documents = new Map<string, Promise<DocumentResponse>>();

  async function request(method: "GET" | "POST", route: string, init: { body?: unknown; accept?: string; signal?: AbortSignal }): Promise<Response> {
    // The caller's headers go first so that theirs cannot turn a streaming request into a JSON one (or the reverse).
    const headers = new Headers(options.headers);
    headers.set("accept", init.accept ?? "application/json");
    if (init.body !== undefined) headers.set("content-type", "application/json");
    const response = await fetchImpl(baseUrl + route, {
      method,
      headers,
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      ...(init.signal && { signal: init.signal }),
    });
    if (!response.ok) throw await errorFrom(response, `${method} ${route}`);
    return response;
  }

  async function json<T>(schema: z.ZodType<T>, response: Response, what: string): Promise<T> {
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw new CitedRagError(response.status, "invalid_response", `${what} answered with a body that is not JSON.`, { cause });
    }
    return conform(schema, body, response.status, what);
  }

  const withK = (k: number | undefined) => (k === undefined ? {} : { k });

  function fetchDocument(docId: string, signal?: AbortSignal): Promise<DocumentResponse> {
    const route = `/v1/documents/${encodeURIComponent(docId)}`;
    const loading = request("GET", route, { signal }).then((response) => json(DocumentSchema, response, `GET ${route}`));
    documents.set(docId, loading);
    // A failed fetch is not remembered: the next check asks again.
    loading.catch(() => {
      if (documents.get(docId) === loading) documents.delete(docId);
    });
    return loading;
  }

  return {
    baseUrl,
    async search(query, { k, signal } = {}) {
      const response = await request("POST", "/v1/search", { body: { query, ...withK(k) }, signal });
      return json(SearchResponseSchema, response, "POST /v1/search");
    },
    async ask(question, { k, signal } = {}) {
      const response = await request("POST", "/v1/ask", { body: { question, ...withK(k) }, signal });
      return json(AskResponseSchema, response, "POST /v1/ask");
    },
    async *askStream(question, { k, signal } = {}) {
      const what = "POST /v1/ask (text/event-stream)";
      const response = await request("POST", "/v1/ask", { body: { question, ...withK(k) }, accept: "text/event-stream", signal });
      const type = response.headers.get("content-type") ?? "";
      if (!/^text\/event-stream\b/i.test(type) || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new CitedRagError(
          response.status,
          "invalid_response",
          `${what} answered with content-type ${JSON.stringify(type)} instead of text/event-stream; this server may not stream answers (use ask()).`,
        );
      }
      for await (const event of readServerSentEvents(response.body)) {
        switch (event.event) {
          case "passages":
            yield { type: "passages", data: conform(SearchResponseSchema, parseData(event.data, what), response.status, `${what}, event passages`) };
            break;
          case "answer":
            yield { type: "answer", data: conform(AskResponseSchema, parseData(event.data, what), response.status, `${what}, event answer`) };
            break;
          case "done":
            yield { type: "done" };
            return;
          case "error": {
            const { error } = conform(ErrorBodySchema, parseData(event.data, what), response.status, `${what}, event error`);
            throw new CitedRagError(statusOf(error.code), error.code, error.message);
          }
          // The service may add events; a client that knows only these skips the others.
        }
      }
      throw new CitedRagError(response.status, "invalid_response", `${what}: the stream ended before its done event; the answer may be incomplete.`);
    },
    async listDocuments({ signal } = {}) {
      const response = await request("GET", "/v1/documents", { signal });
      return (await json(DocumentListSchema, response, "GET /v1/documents")).documents;
    },
    getDocument: (docId, { signal } = {}) => fetchDocument(docId, signal),
    async verifyCitation(citation, { signal } = {}) {
      // The shared fetch runs without this caller's signal, so one caller giving up does not fail the others waiting on it.
      const cached = documents.get(citation.docId);
      const check = await checkAgainst(abortable(cached ?? fetchDocument(citation.docId), signal), citation);
      // The corpus can change under a long-lived client: before calling a citation wrong, check it against the current text.
      return check.valid || !cached ? check : checkAgainst(abortable(fetchDocument(citation.docId), signal), citation);
    },
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

async function checkAgainst(document: Promise<DocumentResponse>, citation: CitationSpan): Promise<CitationCheck> {
  try {
    return verifyCitationAgainst((await document).text, citation);
  } catch (error) {
    if (error instanceof CitedRagError && error.code === "not_found") {
      return { valid: false, reason: `No document has the id ${JSON.stringify(citation.docId)}.` };
    }
    throw error;
  }
}

function conform<T>(schema: z.ZodType<T>, body: unknown, status: number, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new CitedRagError(status, "invalid_response", `${what} answered with a body that does not match the API's schema:\n${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

function parseData(data: string, what: string): unknown {
  try {
    return JSON.parse(data);
  } catch (cause) {
    throw new CitedRagError(200, "invalid_response", `${what} sent an event whose data is not JSON.`, { cause });
  }
}

function statusOf(code: string): number {
  return (ERROR_STATUS as Record<string, number>)[code] ?? 500;
}

async function errorFrom(response: Response, what: string): Promise<CitedRagError> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) return new CitedRagError(response.status, parsed.data.error.code, parsed.data.error.message);
  // Not the service's error shape: a proxy or load balancer in front of it, most likely.
  const excerpt = text.trim().slice(0, 200);
  return new CitedRagError(response.status, "http_error", `${what} failed with HTTP ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ""}`);
}
