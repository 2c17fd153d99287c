import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { RagError } from "../../errors.js";

/** Requests per minute per client address; each refusal is the contract's 429 JSON error with Retry-After. */
export function rateLimitPerClient(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new RagError("too_many_requests", `More than ${perMinute} requests a minute from this client (RATE_LIMIT_PER_MINUTE); retry after the time in the Retry-After header.`)),
  });
}

/**
 * At most `max` requests in progress; one more is refused at once with 503
 * `overloaded` and Retry-After rather than queued, so a burst cannot pile up
 * work (and memory) that clients have long given up on.
 */
export function concurrencyLimit(max: number): RequestHandler {
  let inFlight = 0;
  return (_req, res, next) => {
    if (inFlight >= max) {
      res.setHeader("Retry-After", "1");
      return next(new RagError("overloaded", `The service is answering ${max} requests already (MAX_CONCURRENT_REQUESTS); retry in a second.`));
    }
    inFlight++;
    let released = false;
    res.on("close", () => {
      if (!released) {
        released = true;
        inFlight--;
      }
    });
    next();
  };
}

/** A request not answered within `ms` gets 503 `timeout`; whatever it was waiting for is dropped when it comes. */
export function requestTimeout(ms: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.setHeader("Retry-After", "1");
      next(new RagError("timeout", `The request took longer than ${ms} ms (REQUEST_TIMEOUT_MS) and was given up.`));
    }, ms);
    timer.unref();
    res.on("close", () => clearTimeout(timer));
    next();
  };
}
