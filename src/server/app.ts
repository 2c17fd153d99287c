import { isUtf8 } from "node:buffer";
import { fileURLToPath } from "node:url";
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import multer from "multer";
import { RagError, toErrorBody } from "../errors.js";
import type { Rag } from "../rag.js";
import { authorize } from "../core/documentChanges.js";
import { toolDefinitions } from "../core/tools.js";
import { ReindexRequestSchema } from "../schemas.js";
import { openApiDocument } from "./openapi.js";
import { mcpHttpHandler } from "../mcp/http.js";
import type { Logger } from "pino";
import { requestLog } from "./middleware/requestLog.js";
import { concurrencyLimit, rateLimitPerClient, requestTimeout } from "./middleware/limits.js";
import { corsFor, securityHeaders } from "./middleware/security.js";
import { streamAnswer, wantsEventStream } from "./sse.js";

const MAX_BODY = "32kb";

/** The HTTP adapter: routes map one-to-one onto the core; status codes come from the error table. */
export function createApp(rag: Rag, log: (message: string) => void = console.error, logger?: Logger): express.Express {
  const { config } = rag;
  const app = express();
  app.disable("x-powered-by");
  app.set("json spaces", 0);
  app.set("trust proxy", trustProxySetting(config.trustProxy));
  if (logger) app.use(requestLog(logger, config.logQuestions));
  app.use(securityHeaders());
  const cors = corsFor(config.corsOrigins);
  if (cors) app.use(cors);
  // Health checks stay outside the limits: a load balancer must see a busy service as alive.

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", (_req, res) => {
    const status = rag.status();
    res.status(status === "ready" ? 200 : 503).json({ status });
  });

  if (config.rateLimitPerMinute > 0) app.use(["/v1", "/mcp"], rateLimitPerClient(config.rateLimitPerMinute));
  // The work that takes model time is bounded; listing and reading documents is not.
  const work = [concurrencyLimit(config.maxConcurrentRequests), requestTimeout(config.requestTimeoutMs)];
  const json = express.json({ limit: MAX_BODY, strict: false, verify: requireUtf8 });
  const openApi = openApiDocument(rag.config);
  app.post("/v1/search", ...work, requireJson, json, async (req, res) => {
    res.json(await rag.search(req.body));
  });
  app.post("/v1/ask", ...work, requireJson, json, async (req, res) => {
    if (wantsEventStream(req)) return streamAnswer(rag, req, res);
    res.json(await rag.ask(req.body));
  });
  // Re-reads the corpus folder and rebuilds in the background; the current index serves until the new one is loaded.
  app.post("/v1/admin/reindex", json, (req, res) => {
    const parsed = ReindexRequestSchema.safeParse(req.body ?? {});
    const token = bearer(req);
    if (!parsed.success) {
      authorize(rag.config, token);
      throw new RagError("invalid_request", 'The body may only hold "force": true or false.');
    }
    res.status(202).json(rag.reindex({ token, force: parsed.data.force ?? false }));
  });
  app.get("/v1/admin/reindex", (req, res) => {
    res.json(rag.reindexStatus({ token: bearer(req) }));
  });
  app.get("/v1/tools", (_req, res) => {
    res.json({ tools: toolDefinitions(rag.config) });
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(openApi);
  });
  app.all("/mcp", ...work, express.json({ limit: "64kb", verify: requireUtf8 }), mcpHttpHandler(rag, log));
  app.get("/v1/documents", (_req, res) => {
    res.json({ documents: rag.listDocuments() });
  });
  app.get("/v1/documents/:docId", (req, res) => {
    res.json(rag.getDocument(req.params.docId));
  });
  // Checked before the body is read: without the token, an upload is refused unread.
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: rag.config.maxUploadBytes, files: 1, fields: 0 } }).single("file");
  app.post("/v1/documents", authorizeChange(rag), requireMultipart, upload, async (req, res) => {
    const file = req.file;
    const response = await rag.addDocument({ token: bearer(req), fileName: file?.originalname, bytes: file?.buffer });
    res.status(response.status === "added" ? 201 : 200).json(response);
  });
  app.delete("/v1/documents/:docId", async (req, res) => {
    res.json(await rag.removeDocument({ token: bearer(req), docId: req.params.docId }));
  });

  // The page (src/web): static files, its state in the query string of `/`. Resolved from src/ and dist/ alike.
  app.use(express.static(fileURLToPath(new URL("../../src/web", import.meta.url)), { index: "index.html" }));

  const allowed: Record<string, string> = {
    "/v1/search": "POST",
    "/v1/ask": "POST",
    "/v1/documents": "GET, POST",
    "/v1/tools": "GET",
    "/v1/admin/reindex": "GET, POST",
    "/openapi.json": "GET",
    "/healthz": "GET",
    "/readyz": "GET",
  };
  app.use((req, res, next) => {
    const allow = allowed[req.path] ?? (/^\/v1\/documents\/[^/]+\/?$/.test(req.path) ? "GET, DELETE" : undefined);
    if (allow) {
      res.setHeader("Allow", allow);
      return next(new RagError("method_not_allowed", `${req.method} is not allowed on ${req.path}; use ${allow}.`));
    }
    next(new RagError("not_found", `No route ${req.method} ${req.path}. See GET /openapi.json for the routes.`));
  });
  app.use(errorHandler(log));
  return app;
}

const bearer = (req: Request) => /^Bearer (.+)$/i.exec(req.get("authorization") ?? "")?.[1]?.trim();

/** The admin check of the core, run before the upload is read. */
const authorizeChange = (rag: Rag): RequestHandler => (req, _res, next) => {
  try {
    authorize(rag.config, bearer(req));
    next();
  } catch (error) {
    next(error);
  }
};

const requireMultipart: RequestHandler = (req, _res, next) => {
  if (!req.is("multipart/form-data")) {
    return next(new RagError("unsupported_media_type", 'Send the document as multipart/form-data with the file in the field "file" (curl -F file=@report.pdf).'));
  }
  next();
};

const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is("application/json")) {
    return next(new RagError("unsupported_media_type", "Send the request body as JSON with content-type: application/json."));
  }
  next();
};

function errorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    // A response already begun (a stream, a request that timed out) cannot take an error body.
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    const parserError = fromBodyParser(error);
    const { status, body } = toErrorBody(parserError ?? error);
    if (status >= 500 && !(error instanceof RagError)) log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    res.status(status).json(body);
  };
}

/** body-parser and multer report bad bodies with a `type` or a `code`; they become the contract's 4xx errors. */
function fromBodyParser(error: unknown): RagError | undefined {
  if (error instanceof multer.MulterError) {
    if (error.code === "LIMIT_FILE_SIZE") return new RagError("payload_too_large", `The document is larger than MAX_UPLOAD_BYTES (${error.message}).`);
    return new RagError("invalid_request", `The upload was refused: ${error.message} (send one file in the field "file", nothing else).`);
  }
  if (error instanceof RagError) return undefined;
  if (error instanceof URIError) return new RagError("invalid_request", "The URL holds a malformed percent-encoding (%XX).");
  const { type, limit, status } = (error ?? {}) as { type?: string; limit?: number; status?: number };
  if (type === "entity.parse.failed") return new RagError("invalid_json", "The request body is not valid JSON.");
  if (type === "entity.verify.failed") return new RagError("invalid_json", "The request body is not valid UTF-8.");
  if (type === "entity.too.large") return new RagError("payload_too_large", `The request body is larger than this route's limit of ${limit === undefined ? MAX_BODY : `${limit / 1024} kB`}.`);
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new RagError("unsupported_media_type", "The request body must be UTF-8 encoded JSON.");
  }
  // The rest of what the body parser and router refuse as the client's fault: a body compressed wrongly, a route parameter that does not decode.
  if (type === "request.aborted" || type === "request.size.invalid" || type === "stream.encoding.set" || (status !== undefined && status >= 400 && status < 500)) {
    return new RagError("invalid_request", "The request could not be read (a malformed body, content-encoding or URL).");
  }
  return undefined;
}

/** TRUST_PROXY as Express takes it: off, true, a hop count, or a list of proxy addresses. */
function trustProxySetting(value: string): boolean | number | string {
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A JSON body must be UTF-8: bytes that are not would be read as U+FFFD and answered as another question. */
function requireUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new Error("not UTF-8");
}
