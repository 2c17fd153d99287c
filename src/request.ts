import type { z } from "zod";
import { RagError } from "./errors.js";
import { askRequestSchema, documentSliceRequestSchema, searchRequestSchema, type RequestLimits } from "./schemas.js";

export interface SearchRequest {
  query: string;
  k: number;
}

export interface AskRequest {
  question: string;
  k: number;
}

export interface DocumentSliceRequest {
  docId: string;
  start?: number;
  end?: number;
}

/** Validates a search body from any transport against its schema; errors say which field is wrong and why. */
export function parseSearchRequest(body: unknown, limits: RequestLimits): SearchRequest {
  const { query, k } = parse(schemasFor(limits).search, body, limits);
  return { query, k: k ?? limits.defaultK };
}

export function parseAskRequest(body: unknown, limits: RequestLimits): AskRequest {
  const { question, k } = parse(schemasFor(limits).ask, body, limits);
  return { question, k: k ?? limits.defaultK };
}

export function parseDocumentSliceRequest(body: unknown, limits: RequestLimits): DocumentSliceRequest {
  const { docId, start, end } = parse(schemasFor(limits).documentSlice, body, limits);
  return { docId, ...(start !== undefined && { start }), ...(end !== undefined && { end }) };
}

// Every request is validated; its schemas are built once per configuration, not per request.
const built = new WeakMap<RequestLimits, ReturnType<typeof buildSchemas>>();
const buildSchemas = (limits: RequestLimits) => ({
  search: searchRequestSchema(limits),
  ask: askRequestSchema(limits),
  documentSlice: documentSliceRequestSchema(),
});
function schemasFor(limits: RequestLimits) {
  let schemas = built.get(limits);
  if (!schemas) built.set(limits, (schemas = buildSchemas(limits)));
  return schemas;
}

function parse<S extends z.ZodType>(schema: S, body: unknown, limits: RequestLimits): z.output<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RagError("invalid_request", "The request body must be a JSON object.");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new RagError("invalid_request", describeIssue(result.error.issues[0]!, body as Record<string, unknown>, limits));
}

/** The schema's first complaint in words a caller can act on. */
function describeIssue(issue: z.core.$ZodIssue, body: Record<string, unknown>, limits: RequestLimits): string {
  const name = String(issue.path[0]);
  const value = body[name];
  if (name === "k") return `The field "k" must be an integer from 1 to ${limits.maxK}, not ${describe(value)}.`;
  if (value === undefined || value === null) return `The field "${name}" is required.`;
  if (issue.code === "invalid_type") return `The field "${name}" must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}, not ${describe(value)}.`;
  // Characters are code points, as JSON Schema's maxLength and the schema count them: an emoji is one.
  if (issue.code === "too_big" && typeof value === "string") return `The field "${name}" is ${[...value].length} characters long; the limit is ${limits.maxQueryChars}.`;
  if (issue.code === "too_small" && typeof value === "string") return `The field "${name}" must not be empty.`;
  if (issue.code === "too_small") return `The field "${name}" must be at least ${String(issue.minimum)}, not ${describe(value)}.`;
  return `The field "${name}" is invalid: ${issue.message}.`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
