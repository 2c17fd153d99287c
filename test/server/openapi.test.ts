import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { startService, type RunningService } from "../helpers/server.js";

// Every route's real responses are validated against the OpenAPI document the
// service serves, so the document cannot drift from what the service does.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
let service: RunningService;
let doc: any;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const covered = new Set<string>();

beforeAll(async () => {
  service = await startService();
  doc = await (await fetch(`${service.baseUrl}/openapi.json`)).json();
  ajv.addSchema(doc, "openapi");
});
afterAll(async () => {
  await service?.close();
});

async function call(method: string, route: string, path = route, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(service.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const operation = doc.paths[route]?.[method.toLowerCase()];
  expect(operation, `${method} ${route} is in the OpenAPI document`).toBeDefined();
  const declared = operation.responses[String(response.status)];
  expect(declared, `${method} ${route} declares status ${response.status}`).toBeDefined();
  const schema = declared.content?.["application/json"]?.schema;
  const json: any = await response.json();
  if (schema?.$ref) {
    const validate = ajv.compile({ $ref: `openapi${schema.$ref}` });
    expect(validate(json), `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  covered.add(`${method.toLowerCase()} ${route}`);
  return { status: response.status, body: json };
}

describe("GET /openapi.json", () => {
  it("is OpenAPI 3.1 with the request limits of the configuration", async () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.schemas.AskRequest.properties.question.maxLength).toBe(service.rag.config.maxQueryChars);
    expect(doc.components.schemas.AskRequest.properties.k.anyOf[0].maximum).toBe(service.rag.config.maxK);
  });

  it("describes the real responses of every route", async () => {
    expect((await call("GET", "/healthz")).status).toBe(200);
    expect((await call("GET", "/readyz")).status).toBe(200);
    expect((await call("GET", "/openapi.json")).status).toBe(200);
    expect((await call("GET", "/v1/tools")).body.tools.map((t: { name: string }) => t.name)).toEqual(["search_corpus", "ask", "get_document"]);
    expect((await call("POST", "/v1/search", "/v1/search", { query: "frozen Russian assets", k: 3 })).body.results).toHaveLength(3);
    expect((await call("POST", "/v1/search", "/v1/search", { query: "" })).status).toBe(400);
    expect((await call("POST", "/v1/search", "/v1/search", "not json")).status).toBe(400);
    expect((await call("POST", "/v1/search", "/v1/search", undefined, { "content-type": "text/plain" })).status).toBe(415);
    const answered = await call("POST", "/v1/ask", "/v1/ask", { question: "Which Belgian financial institution holds the Russian sovereign assets?" });
    expect(answered.body.answerable).toBe(true);
    const refused = await call("POST", "/v1/ask", "/v1/ask", { question: "What is the boiling point of mercury?" });
    expect(refused.body.answerable).toBe(false);
    expect((await call("POST", "/v1/ask", "/v1/ask", { question: "Why?", k: 0 })).status).toBe(400);
    const list = await call("GET", "/v1/documents");
    const docId = list.body.documents[0].docId;
    expect((await call("GET", "/v1/documents/{docId}", `/v1/documents/${docId}`)).body.docId).toBe(docId);
    expect((await call("GET", "/v1/documents/{docId}", "/v1/documents/no-such-document")).status).toBe(404);
    // Document changes are disabled without ADMIN_TOKEN: the refusal is still a documented response.
    expect((await call("DELETE", "/v1/documents/{docId}", `/v1/documents/${docId}`)).status).toBe(403);
    const form = new FormData();
    form.append("file", new Blob(["Some text."]), "a.txt");
    const upload = await fetch(`${service.baseUrl}/v1/documents`, { method: "POST", body: form });
    expect(upload.status).toBe(403);
    const refusedUpload = ajv.compile({ $ref: `openapi${doc.paths["/v1/documents"].post.responses["403"].content["application/json"].schema.$ref}` });
    expect(refusedUpload(await upload.json())).toBe(true);
    covered.add("post /v1/documents");
    expect((await call("POST", "/v1/admin/reindex", "/v1/admin/reindex", {})).status).toBe(403);
    expect((await call("GET", "/v1/admin/reindex")).status).toBe(403);
    const mcp = await fetch(`${service.baseUrl}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });
    expect(mcp.status).toBe(200);
    covered.add("post /mcp");

    const declared = Object.entries(doc.paths).flatMap(([route, operations]) => Object.keys(operations as object).map((m) => `${m} ${route}`));
    expect(declared.filter((route) => !covered.has(route))).toEqual([]);
  });
});
