// The tool-calling loop with any LLM API: the model asks for a tool, the client
// calls the service, the result goes back to the model. A scripted stand-in
// plays the model so this runs offline; swap `model` for your provider's call.
//
//   CITED_RAG_URL=http://localhost:3000 npx tsx scripts/examples/tool-calling-loop.ts "Which Belgian institution holds the Russian assets?"
const base = process.env.CITED_RAG_URL ?? "http://localhost:3000";
const question = process.argv[2] ?? "Which Belgian institution holds the frozen Russian assets?";

interface ToolDefinition { name: string; description: string; parameters: object }
interface ToolCall { id: string; name: string; arguments: string }
type Message =
  | { role: "user" | "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; content: string };

// 1. The definitions, as LLM APIs take them.
const { tools } = (await (await fetch(`${base}/v1/tools`)).json()) as { tools: ToolDefinition[] };
const openAiTools = tools.map((t) => ({ type: "function", function: t })); // OpenAI Chat Completions `tools`
const anthropicTools = tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })); // Anthropic Messages `tools`
console.log(`${openAiTools.length} tools for OpenAI, ${anthropicTools.length} for Anthropic: ${tools.map((t) => t.name).join(", ")}`);

// 2. Each tool is one HTTP call.
async function callTool(call: ToolCall): Promise<unknown> {
  const args = JSON.parse(call.arguments) as Record<string, unknown>;
  const post = (route: string) =>
    fetch(base + route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) }).then((r) => r.json());
  if (call.name === "ask") return post("/v1/ask");
  if (call.name === "search_corpus") return post("/v1/search");
  if (call.name === "get_document") {
    const document = (await (await fetch(`${base}/v1/documents/${encodeURIComponent(String(args.docId))}`)).json()) as { text: string };
    return { ...document, text: document.text.slice(Number(args.start ?? 0), args.end === undefined ? undefined : Number(args.end)) };
  }
  return { error: { code: "not_found", message: `No tool ${call.name}.` } };
}

// 3. A stand-in for the model: asks for `ask` once, then answers from the tool's result,
// saying it does not know when the service says `answerable: false`.
async function model(messages: Message[]): Promise<Message> {
  const result = [...messages].reverse().find((m) => m.role === "tool");
  if (!result) return { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "ask", arguments: JSON.stringify({ question }) }] };
  const answer = JSON.parse(result.content) as {
    error?: { message: string };
    answerable: boolean;
    answer: string;
    citations: { marker: number; docId: string; start: number; end: number }[];
  };
  if (answer.error) return { role: "assistant", content: `The document service failed: ${answer.error.message}` };
  if (!answer.answerable) return { role: "assistant", content: "I don't know: the documents do not answer this." };
  const sources = answer.citations.map((c) => `[${c.marker}] ${c.docId} ${c.start}–${c.end}`).join("; ");
  return { role: "assistant", content: `${answer.answer}\n(${sources})` };
}

// 4. The loop.
const messages: Message[] = [{ role: "user", content: question }];
for (let turn = 0; turn < 5; turn++) {
  const reply = await model(messages);
  messages.push(reply);
  if (reply.role !== "assistant" || !reply.toolCalls?.length) break;
  for (const call of reply.toolCalls) {
    console.log(`model calls ${call.name}(${call.arguments})`);
    messages.push({ role: "tool", toolCallId: call.id, content: JSON.stringify(await callTool(call)) });
  }
}
console.log(messages.at(-1)!.content);
