// The service from LangChain: a retriever whose Documents carry verifiable
// citations, and the `ask` tool in an agent loop. A scripted stand-in plays the
// tool-calling model so this runs offline without an API key; swap `model` for
// a chat model bound to the tools (`chatModel.bindTools([askTool])`).
//
//   CITED_RAG_URL=http://127.0.0.1:3000 npx tsx scripts/examples/langchain-agent.ts "Which Russian diplomat did Foreign Minister Hayashi summon?"
//
// Exits 1 when a citation does not match its document, 2 when the service cannot be used.
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { CitedRagError, createClient, type AskResponse, type CitationSpan } from "../../src/client/index.js";
import { createAskTool } from "../../src/langchain/askTool.js";
import { CitedRagRetriever } from "../../src/langchain/retriever.js";

const baseUrl = process.env.CITED_RAG_URL ?? "http://127.0.0.1:3000";
const question = process.argv[2] ?? "Which Russian diplomat did Foreign Minister Hayashi summon?";

const client = createClient({ baseUrl });
const retriever = new CitedRagRetriever({ source: client, k: 3 });
const askTool = createAskTool(client);
const tools = { [askTool.name]: askTool };

let failed = 0;
async function check(label: string, citation: CitationSpan): Promise<void> {
  const { valid, reason } = await client.verifyCitation(citation);
  if (!valid) failed++;
  console.log(`  ${valid ? "✓" : "✗"} ${label} ${citation.docId} ${citation.start}–${citation.end}${reason ? `: ${reason}` : ""}`);
}

/** Stands in for a tool-calling chat model: first asks for `ask`, then answers from the tool's result. */
function model(messages: BaseMessage[]): AIMessage {
  const result = [...messages].reverse().find((m): m is ToolMessage => ToolMessage.isInstance(m));
  if (!result) return new AIMessage({ content: "", tool_calls: [{ id: "call_1", name: "ask", args: { question }, type: "tool_call" }] });
  const response = result.artifact as AskResponse;
  // The tool's description tells the model to say it does not know when answerable is false.
  return new AIMessage(response.answerable ? String(result.content) : "I don't know: the documents do not answer this.");
}

try {
  console.log(`Retriever: passages for ${JSON.stringify(question)}`);
  for (const document of await retriever.invoke(question)) {
    const { rank, title, citation } = document.metadata;
    await check(`[${rank}] ${title}`, citation);
  }

  const messages: BaseMessage[] = [new HumanMessage(question)];
  let answer: AskResponse | undefined;
  for (let turn = 0; turn < 4; turn++) {
    const reply = model(messages);
    messages.push(reply);
    if (!reply.tool_calls?.length) break;
    for (const call of reply.tool_calls) {
      console.log(`\nModel calls ${call.name}(${JSON.stringify(call.args)})`);
      const tool = tools[call.name];
      const toolMessage = tool
        ? await tool.invoke({ ...call, type: "tool_call" })
        : new ToolMessage({ tool_call_id: call.id ?? "", content: `No tool named ${call.name}.`, status: "error" });
      if (tool) answer = toolMessage.artifact as AskResponse;
      messages.push(toolMessage);
    }
  }

  console.log(`\nAnswer:\n${String(messages.at(-1)!.content)}`);
  console.log("\nCitations:");
  for (const citation of answer?.citations ?? []) await check(`[${citation.marker}]`, citation);
  if (failed > 0) {
    console.error(`\n${failed} citation(s) do not match their documents.`);
    process.exitCode = 1;
  }
} catch (error) {
  const detail = error instanceof CitedRagError ? `${error.code} (HTTP ${error.status}): ${error.message}` : String(error);
  console.error(`The service at ${baseUrl} could not be used: ${detail}`);
  process.exitCode = 2;
}
