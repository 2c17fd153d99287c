import { createRag } from "../rag.js";
import type { AskResponse } from "../types.js";
import { describeIndex, describeSkipped, progressReporter } from "./progress.js";
import { fail } from "./fail.js";

// npm run ask -- "question" [--json]
const args = process.argv.slice(2);
const asJson = args.includes("--json");
const question = args.filter((a) => a !== "--json").join(" ");
if (!question.trim()) {
  process.stderr.write('Usage: npm run ask -- "your question" [--json]\n');
  process.exit(2);
}

try {
  const rag = createRag();
  await rag.load({
    onProgress: progressReporter(),
    onSkipped: (skipped) => process.stderr.write(describeSkipped(skipped) + "\n"),
    onIndex: (r) => r.status === "built" && process.stderr.write(describeIndex(r) + "\n"),
  });
  const response = await rag.ask({ question });
  console.log(asJson ? JSON.stringify(response, null, 2) : formatAnswer(response));
  await rag.close();
} catch (error) {
  fail(error);
}

function formatAnswer(response: AskResponse): string {
  const lines = [response.answerable ? response.answer : `No answer: ${response.answer}`, ""];
  lines.push(response.answerable ? "Citations:" : "Nearest passages:");
  for (const c of response.citations) {
    lines.push(`[${c.marker}] ${c.title} (${c.docId}, characters ${c.start}–${c.end}, score ${c.score})`);
    lines.push(`    “${c.text.replace(/\s+/g, " ")}”`);
  }
  return lines.join("\n");
}
