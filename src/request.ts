import type { RagConfig } from "./config.js";
import { RagError } from "./errors.js";

export interface SearchRequest {
  query: string;
  k: number;
}

export interface AskRequest {
  question: string;
  k: number;
}

type Limits = Pick<RagConfig, "defaultK" | "maxK" | "maxQueryChars">;

/** Validates a search body from any transport; errors say which field is wrong and why. */
export function parseSearchRequest(body: unknown, limits: Limits): SearchRequest {
  const fields = asObject(body);
  return { query: text(fields, "query", limits), k: count(fields, limits) };
}

export function parseAskRequest(body: unknown, limits: Limits): AskRequest {
  const fields = asObject(body);
  return { question: text(fields, "question", limits), k: count(fields, limits) };
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RagError("invalid_request", "The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

function text(fields: Record<string, unknown>, name: string, limits: Limits): string {
  const value = fields[name];
  if (value === undefined || value === null) {
    throw new RagError("invalid_request", `The field "${name}" is required.`);
  }
  if (typeof value !== "string") {
    throw new RagError("invalid_request", `The field "${name}" must be a string, not ${describe(value)}.`);
  }
  const trimmed = value.trim();
  if (trimmed === "") {
    throw new RagError("invalid_request", `The field "${name}" must not be empty.`);
  }
  if (value.length > limits.maxQueryChars) {
    throw new RagError("invalid_request", `The field "${name}" is ${value.length} characters long; the limit is ${limits.maxQueryChars}.`);
  }
  return trimmed;
}

function count(fields: Record<string, unknown>, limits: Limits): number {
  const value = fields.k;
  if (value === undefined || value === null) return limits.defaultK;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > limits.maxK) {
    throw new RagError("invalid_request", `The field "k" must be an integer from 1 to ${limits.maxK}, not ${describe(value)}.`);
  }
  return value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
