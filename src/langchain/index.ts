export { CitedRagRetriever } from "./retriever.js";
export { createAskTool } from "./askTool.js";
