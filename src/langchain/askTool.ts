import { tool } from "@langchain/core/tools";
import type { z } from "zod";
import { isCitedRagClient } from "../client/index.js";
import { chatTools } from "../core/tools.js";
import type { AskResponse, askRequestSchema, RequestLimits } from "../schemas.js";
import type { CitedRagSource } from "./retriever.js";

/**
 * A remote server does not report its limits, so the schema the model sees
 * states conservative ones that a server with default settings (maxK 50,
 * 2000 characters) accepts: a k the server refuses would only come back as a 400.
 */
export const REMOTE_LIMITS: RequestLimits = { defaultK: 5, maxK: 20, maxQueryChars: 2000 };

export interface AskToolOptions {
  /** What the tool's schema tells the model about k and question length; the core's own config for an in-process source. */
  limits?: RequestLimits;
}

type AskArguments = z.output<ReturnType<typeof askRequestSchema>>;

/**
 * The `ask` tool of the shared tool table (src/core/tools.ts) as a LangChain
 * tool: same name, description and input schema as over MCP and
 * `GET /v1/tools`. The model reads the rendered answer (quotes with [n] and a
 * numbered source list); called with a ToolCall, the ToolMessage also carries
 * the AskResponse as its artifact, so the program can verify the citations
 * without parsing text.
 */
export function createAskTool(source: CitedRagSource, options: AskToolOptions = {}) {
  const limits = options.limits ?? (isCitedRagClient(source) ? REMOTE_LIMITS : source.config);
  const ask = chatTools(limits).ask;
  return tool(
    async (args, config): Promise<[string, AskResponse]> => {
      // The tool parsed the arguments with askRequestSchema (the table's inputSchema is typed only as an object).
      const { question, k } = args as AskArguments;
      const signal = config?.signal;
      const response = isCitedRagClient(source)
        ? await source.ask(question, { ...(k != null && { k }), ...(signal && { signal }) })
        : await source.ask({ question, k }, { ...(signal && { signal }) });
      return [ask.render(response), response];
    },
    { name: ask.name, description: ask.description, schema: ask.inputSchema, responseFormat: "content_and_artifact" },
  );
}
