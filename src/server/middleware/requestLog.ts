import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

// A caller's own id is kept when it is a plain token, so one request can be followed across services.
const CALLER_ID = /^[\w.:-]{1,128}$/;

/**
 * One log line per request: id (also sent back as `X-Request-Id`), method,
 * route, status, duration. A question's or query's text is logged only when
 * configured; its length always is. Headers, bodies and tokens never are.
 */
export function requestLog(logger: Logger, logQuestions: boolean): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const id = given && CALLER_ID.test(given) ? given : randomUUID();
    res.setHeader("X-Request-Id", id);
    const started = process.hrtime.bigint();
    res.on("close", () => {
      const body = req.body as { question?: unknown; query?: unknown } | undefined;
      const text = typeof body?.question === "string" ? body.question : typeof body?.query === "string" ? body.query : undefined;
      logger.info({
        requestId: id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        ...(text !== undefined && (logQuestions ? { text } : { textChars: text.length })),
        ...(!res.writableFinished && { aborted: true }),
      });
    });
    next();
  };
}
