import type { Request, Response } from "express";
import { toErrorBody } from "../errors.js";
import type { Rag } from "../rag.js";

/** Whether a client asked for server-sent events rather than one JSON document. */
export const wantsEventStream = (req: Request): boolean => /\btext\/event-stream\b/.test(req.get("accept") ?? "");

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `POST /v1/ask` as server-sent events: `passages` as soon as they are
 * retrieved, then `answer` (the same object as the JSON response), then
 * `done`. A request that fails before the first event gets the ordinary JSON
 * error; a client that goes away aborts the work.
 */
export async function streamAnswer(rag: Rag, req: Request, res: Response): Promise<void> {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableEnded) controller.abort(new Error("The client closed the stream."));
  });
  const open = () => {
    if (res.headersSent) return;
    res.status(200).set({ "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
    res.flushHeaders();
  };
  try {
    const answer = await rag.ask(req.body, {
      signal: controller.signal,
      onPassages: (passages) => {
        open();
        res.write(event("passages", passages));
      },
    });
    open();
    res.write(event("answer", answer));
    res.end(event("done", {}));
  } catch (error) {
    if (controller.signal.aborted) return;
    if (!res.headersSent) throw error;
    res.end(event("error", toErrorBody(error).body));
  }
}
