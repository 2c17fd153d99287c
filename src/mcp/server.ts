import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { RagError, toErrorBody } from "../errors.js";
import type { Rag } from "../rag.js";
import { API_VERSION, type DocumentMetadata } from "../schemas.js";
import { chatTools, jsonSchemaOf, type ToolSpec } from "../core/tools.js";

/** Where each document is read as a resource; the docId is percent-encoded in the URI. */
export const DOCUMENT_URI_TEMPLATE = "cited-rag://documents/{docId}";

export const documentUri = (docId: string) => `cited-rag://documents/${encodeURIComponent(docId)}`;

/**
 * The core as an MCP server: the tools of `chatTools` and every document as a
 * resource. Cheap to build, so the stateless HTTP transport makes one per request.
 */
export function createMcpServer(rag: Rag, log: (message: string) => void = console.error): McpServer {
  const server = new McpServer({ name: "cited-rag", version: API_VERSION });
  const tools = chatTools(rag.config);
  registerChatTool(server, rag, tools.search, log);
  registerChatTool(server, rag, tools.ask, log);
  registerChatTool(server, rag, tools.getDocument, log);

  server.registerResource(
    "document",
    new ResourceTemplate(DOCUMENT_URI_TEMPLATE, {
      list: () => guard(() => ({ resources: rag.listDocuments().map(asResource) }), log),
    }),
    {
      title: "Document text",
      description: "The text of one document: citation offsets (start, end) index into exactly this string.",
      mimeType: "text/plain",
    },
    (uri, { docId }) =>
      guard(() => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: rag.getDocument(decodeDocId(String(docId))).text }] }), log),
  );
  return server;
}

const asResource = (d: DocumentMetadata) => ({ uri: documentUri(d.docId), name: d.docId, title: d.title, mimeType: "text/plain" });

function registerChatTool<Output extends Record<string, unknown>>(server: McpServer, rag: Rag, tool: ToolSpec<Output>, log: (message: string) => void): void {
  server.registerTool(
    tool.name,
    { description: tool.description, inputSchema: advertised(tool.inputSchema), outputSchema: tool.outputSchema },
    async (args, extra): Promise<CallToolResult> => {
      try {
        // The client's cancellation (or its going away) stops the work, as a closed SSE stream does.
        const output = await tool.run(rag, args, extra.signal);
        return { content: [{ type: "text", text: tool.render(output) }], structuredContent: output };
      } catch (error) {
        return { isError: true, content: [{ type: "text", text: describeError(error, log) }] };
      }
    },
  );
}

/**
 * The SDK validates arguments against `inputSchema` before the handler runs and
 * answers a failure with its own wording ("MCP error -32602: Input validation
 * error: … Too small: expected number to be >=1 at k"). The core validates too,
 * with messages that name the field and its limits and read the same over HTTP,
 * so the SDK is given a schema that lets any object through, while tools/list
 * still shows the tool's real JSON Schema: zod copies `.meta()` into the JSON
 * Schema it generates, over the keys it derived itself.
 */
function advertised(schema: z.ZodObject): z.ZodObject {
  return z.looseObject({}).meta(jsonSchemaOf(schema, "input"));
}

/** A malformed escape is an unknown document, not a crash. */
function decodeDocId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** -32002 is the code the MCP specification gives an unknown resource. */
const RESOURCE_NOT_FOUND = -32002;

/** Resources have no error result, only JSON-RPC errors: the message carries the service's code as tool errors do. */
async function guard<T>(read: () => T, log: (message: string) => void): Promise<T> {
  try {
    return read();
  } catch (error) {
    throw new McpError(jsonRpcCode(error), describeError(error, log));
  }
}

function jsonRpcCode(error: unknown): number {
  if (!(error instanceof RagError)) return ErrorCode.InternalError;
  if (error.code === "not_found") return RESOURCE_NOT_FOUND;
  return error.code === "invalid_request" ? ErrorCode.InvalidParams : ErrorCode.InternalError;
}

/** "<code>: <message>", the error table's code first so a model or client can branch on it. */
function describeError(error: unknown, log: (message: string) => void): string {
  if (!(error instanceof RagError)) log(`MCP request failed: ${(error as Error)?.stack ?? String(error)}`);
  const { body } = toErrorBody(error);
  return `${body.error.code}: ${body.error.message}`;
}
