import type { z } from "zod";
import { jsonSchemaOf } from "../core/tools.js";
import {
  API_VERSION,
  AskResponseSchema,
  DocumentChangeResponseSchema,
  DocumentListSchema,
  DocumentSchema,
  ErrorBodySchema,
  HealthSchema,
  ReindexRequestSchema,
  ReindexStatusSchema,
  SearchResponseSchema,
  askRequestSchema,
  searchRequestSchema,
  type RequestLimits,
} from "../schemas.js";
import { ToolListSchema } from "./toolList.js";

// OpenAPI 3.1 for the HTTP adapter, generated from the same schemas that
// validate requests: nothing here restates a field.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ "application/json": { schema } });
const error = (description: string) => ({ description, content: json(ref("Error")) });
const ok = (name: string, description = "OK") => ({ description, content: json(ref(name)) });

const COMMON_ERRORS = {
  "400": error("Invalid request: a field is missing, of the wrong type or out of range (code invalid_request or invalid_json)."),
  "413": error("The request body is too large."),
  "415": error("The body is not JSON."),
  "503": error("The service is still loading, its model is unavailable, or its database does not answer (code not_ready, embedding_failed or store_unavailable)."),
};

export function openApiDocument(limits: RequestLimits) {
  const schemas: Record<string, z.ZodType> = {
    SearchRequest: searchRequestSchema(limits),
    AskRequest: askRequestSchema(limits),
    SearchResponse: SearchResponseSchema,
    AskResponse: AskResponseSchema,
    DocumentList: DocumentListSchema,
    Document: DocumentSchema,
    DocumentChange: DocumentChangeResponseSchema,
    ReindexRequest: ReindexRequestSchema,
    ReindexStatus: ReindexStatusSchema,
    ToolList: ToolListSchema,
    Health: HealthSchema,
    Error: ErrorBodySchema,
  };
  const components = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, jsonSchemaOf(schema, name.endsWith("Request") ? "input" : "output")]),
  );
  const docId = { name: "docId", in: "path", required: true, schema: { type: "string" }, description: "A document id from GET /v1/documents or a citation." };
  const admin = [{ adminToken: [] }];
  return {
    openapi: "3.1.0",
    info: {
      title: "cited-rag",
      version: API_VERSION,
      description:
        "Answers questions from a document collection with verbatim quotes; every citation is a span (docId, start, end, text) that can be checked against GET /v1/documents/{docId}.",
    },
    paths: {
      "/v1/search": {
        post: {
          operationId: "search",
          summary: "Passages relevant to a query, ranked.",
          requestBody: { required: true, content: json(ref("SearchRequest")) },
          responses: { "200": ok("SearchResponse"), ...COMMON_ERRORS },
        },
      },
      "/v1/ask": {
        post: {
          operationId: "ask",
          summary: "A quoted answer with citations, or answerable: false when the documents do not answer.",
          description:
            "With `Accept: text/event-stream` the response is a stream of server-sent events: `passages` (a SearchResponse), `answer` (the AskResponse), `done`; an `error` event (an Error) ends a stream that failed after it started.",
          requestBody: { required: true, content: json(ref("AskRequest")) },
          responses: {
            "200": {
              description: "The answer, as JSON or as a stream of server-sent events.",
              content: { ...json(ref("AskResponse")), "text/event-stream": { schema: { type: "string" } } },
            },
            ...COMMON_ERRORS,
          },
        },
      },
      "/v1/documents": {
        get: { operationId: "listDocuments", summary: "The documents of the collection.", responses: { "200": ok("DocumentList") } },
        post: {
          operationId: "addDocument",
          summary: "Add or replace a document (multipart field `file`); needs ADMIN_TOKEN.",
          security: admin,
          requestBody: {
            required: true,
            content: { "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } }, required: ["file"] } } },
          },
          responses: {
            "200": ok("DocumentChange", "Replaced."),
            "201": ok("DocumentChange", "Added."),
            "401": error("Missing or wrong admin token."),
            "403": error("Document changes are disabled (no ADMIN_TOKEN set)."),
            "413": error("The file is larger than MAX_UPLOAD_BYTES."),
            "415": error("Not a supported file type."),
            "422": error("The file could not be read as its type."),
          },
        },
      },
      "/v1/documents/{docId}": {
        get: {
          operationId: "getDocument",
          summary: "A document's text (what citation offsets index into) and metadata.",
          parameters: [docId],
          responses: { "200": ok("Document"), "404": error("No such document.") },
        },
        delete: {
          operationId: "deleteDocument",
          summary: "Remove a document from the collection; needs ADMIN_TOKEN.",
          security: admin,
          parameters: [docId],
          responses: { "200": ok("DocumentChange"), "401": error("Missing or wrong admin token."), "403": error("Document changes are disabled."), "404": error("No such document.") },
        },
      },
      "/v1/admin/reindex": {
        post: {
          operationId: "reindex",
          summary: "Re-read the corpus folder and rebuild the index in the background; needs ADMIN_TOKEN. The current index answers until the new one replaces it atomically.",
          security: admin,
          requestBody: { required: false, content: json(ref("ReindexRequest")) },
          responses: {
            "202": ok("ReindexStatus", "Started (or already running)."),
            "400": error("The body is not { force?: boolean }."),
            "401": error("Missing or wrong admin token."),
            "403": error("Re-indexing is disabled (no ADMIN_TOKEN set)."),
          },
        },
        get: {
          operationId: "reindexStatus",
          summary: "The state of the last re-index; needs ADMIN_TOKEN.",
          security: admin,
          responses: { "200": ok("ReindexStatus"), "401": error("Missing or wrong admin token."), "403": error("Re-indexing is disabled (no ADMIN_TOKEN set).") },
        },
      },
      "/v1/tools": {
        get: { operationId: "listTools", summary: "Function definitions for LLM tool calling (name, description, JSON-Schema parameters).", responses: { "200": ok("ToolList") } },
      },
      "/mcp": {
        post: {
          operationId: "mcp",
          summary: "Model Context Protocol over Streamable HTTP (stateless): tools search_corpus, ask, get_document; documents as resources.",
          requestBody: { required: true, content: json({ type: "object" }) },
          responses: { "200": { description: "A JSON-RPC response, as JSON or as server-sent events." } },
        },
      },
      "/healthz": { get: { operationId: "health", summary: "The process is up.", responses: { "200": ok("Health") } } },
      "/readyz": {
        get: {
          operationId: "ready",
          summary: "Index and model are loaded (status ready); 503 with status loading or model_unavailable otherwise.",
          responses: { "200": ok("Health"), "503": ok("Health", "Not ready.") },
        },
      },
      "/openapi.json": { get: { operationId: "openapi", summary: "This document.", responses: { "200": { description: "OpenAPI 3.1", content: json({ type: "object" }) } } } },
    },
    components: {
      schemas: components,
      securitySchemes: { adminToken: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN the service was started with." } },
    },
  };
}
