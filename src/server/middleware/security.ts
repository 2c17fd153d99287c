import cors from "cors";
import type { RequestHandler } from "express";
import helmet from "helmet";

/** Security headers: what a browser should refuse to do with this service's responses. */
export function securityHeaders(): RequestHandler {
  // The page (src/web) loads its own script and stylesheet only; nothing inline, nothing from elsewhere.
  return helmet({
    contentSecurityPolicy: { directives: { "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"], "img-src": ["'self'", "data:"], "object-src": ["'none'"] } },
  });
}

/** CORS off unless origins are configured: `*` for any, or a comma-separated list. */
export function corsFor(origins: string): RequestHandler | undefined {
  if (origins === "") return undefined;
  const allowed = origins === "*" ? "*" : origins.split(",").map((o) => o.trim()).filter(Boolean);
  return cors({ origin: allowed, methods: ["GET", "POST", "DELETE"], allowedHeaders: ["content-type", "authorization", "accept", "x-request-id"], exposedHeaders: ["x-request-id", "retry-after"] });
}
