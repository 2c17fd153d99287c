// The package's entry: the core, the schemas and the tools' table. The typed
// client and the LangChain.js pieces have their own entries ("cited-rag/client",
// "cited-rag/langchain") so that neither pulls in the other's dependencies.
export { createRag, type Rag, type RagOptions, type AskOptions } from "./rag.js";
export { createApp } from "./server/app.js";
export { createMcpServer } from "./mcp/server.js";
export { chatTools, toolDefinitions } from "./core/tools.js";
export { RagError, ERROR_STATUS, type ErrorCode } from "./errors.js";
export * from "./schemas.js";
