import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandler, Response } from "express";
import type { Rag } from "../rag.js";
import { createMcpServer } from "./server.js";

/** JSON-RPC's implementation-defined server error, which the SDK's transport also answers a refused method with. */
const SERVER_ERROR = -32000;

/**
 * MCP over Streamable HTTP, stateless: every POST gets its own server and
 * transport, so no session outlives a request and any instance behind a load
 * balancer can answer it. Without sessions there is no stream for the server to
 * push on (GET) and nothing to end (DELETE). Mount behind `express.json()`: the
 * transport takes the parsed body.
 */
export function mcpHttpHandler(rag: Rag, log: (message: string) => void = console.error): RequestHandler {
  return async (req, res) => {
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      return void sendError(res, 405, SERVER_ERROR, `${req.method} is not allowed on ${req.path}: this MCP endpoint is stateless; send each JSON-RPC message as a POST.`);
    }
    const server = createMcpServer(rag, log);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    // Registered before the request is handled: a client that hangs up early must still free both.
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      log(`MCP request failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendError(res, 500, ErrorCode.InternalError, "The server hit an unexpected error; it has been logged.");
    }
  };
}

/** A JSON-RPC error with no id: it answers the HTTP request, not a message in it. */
function sendError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}
