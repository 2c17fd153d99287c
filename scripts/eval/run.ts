// npm run eval [-- questions.jsonl ...] [--url http://host:port] [--split tune|report] [--ablations] [--chunking] [--no-baselines] [--explain] [--json]
//
// The corpus is CORPUS_DIR's (default corpus/): CORPUS_DIR=eval/corpora/techdocs npm run eval -- eval/techdocs.jsonl
// --split keeps the questions of one half of a set that marks them (tune on one, report on the other).
//
// Scores the real pipeline (and the peer baselines) on evaluation questions with
// the measures of the reference scorer (score.mjs), one row per configuration.
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { resolveConfig } from "../../src/config.js";
import { createRag } from "../../src/rag.js";
import { loadEmbedder } from "../../src/embed/loadEmbedder.js";
import { evaluate, type EvalReport } from "./evaluate.js";
import { httpSystem } from "./httpSystem.js";
import { DEFAULT_DEV_SET, readQuestions, type EvalQuestion } from "./questions.js";
import { ragSystem } from "./ragSystem.js";
import type { EvaluatedSystem } from "./system.js";
import { ABLATIONS, CHUNKING_STUDY, DEFAULT_VARIANT, type Variant } from "./variants.js";
import { createLangChainTutorialBaseline } from "./baselines/langchainTutorial.js";
import { createBm25Baseline } from "./baselines/bm25.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const url = option("--url");
const split = option("--split");
const files = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--url" && args[i - 1] !== "--split");

const questions: EvalQuestion[] = [];
for (const file of files.length ? files : [DEFAULT_DEV_SET]) questions.push(...(await readQuestions(path.resolve(file))));
if (split) questions.splice(0, questions.length, ...questions.filter((q) => q.split === split));

const config = resolveConfig();
const reports: EvalReport[] = [];
const run = async (system: EvaluatedSystem) => {
  process.stderr.write(`scoring ${system.name} on ${questions.length} questions…\n`);
  reports.push(await evaluate(system, questions));
  await system.close?.();
};

if (url) {
  await run(httpSystem(url));
} else {
  if (!flag("--no-baselines")) {
    const model = { modelsDir: config.modelsDir, modelId: config.modelId, quantized: config.quantized };
    await run(await createLangChainTutorialBaseline({ corpusDir: config.corpusDir, ...model }));
    await run(await createBm25Baseline({ corpusDir: config.corpusDir }));
  }
  const variants: Variant[] = [DEFAULT_VARIANT];
  if (flag("--ablations")) variants.push(...ABLATIONS);
  if (flag("--chunking")) variants.push(...CHUNKING_STUDY);
  // No query cache: every variant asks the same questions, and each must pay for its own embeddings.
  // The model runs on the main thread, like the baselines': with onnxruntime-node 1.14 a worker
  // thread that exits while the main thread holds a session can corrupt the heap. The vectors are
  // the same either way (test/embed/workerEmbedder.test.ts).
  const { embedder, close } = await loadEmbedder({ ...config, queryCacheSize: 0, embedInWorker: false });
  for (const variant of variants) {
    // Each chunking gets its own cached index; the manifest rebuilds it only when stale.
    const chunking = `${variant.options.chunkMaxChars ?? config.chunkMaxChars}-${variant.options.chunkOverlapChars ?? config.chunkOverlapChars}`;
    const indexDir = path.join(os.tmpdir(), "cited-rag-eval", createHash("sha1").update(`${config.corpusDir}\0${chunking}`).digest("hex").slice(0, 8));
    const rag = createRag({ ...variant.options, indexDir, embedder });
    await rag.load();
    await run(ragSystem(rag, variant.name));
  }
  await close();
}

if (flag("--json")) {
  console.log(JSON.stringify(reports, null, 2));
} else {
  const from = `${files.length ? files.join(", ") : DEFAULT_DEV_SET}${split ? ` (split ${split})` : ""}, corpus ${config.corpusDir}`;
  console.log(`\n${questions.length} questions (${questions.filter((q) => q.answerable).length} answerable) from ${from}\n`);
  console.log(table(reports));
  for (const r of reports) if (r.misses.length) console.log(`\n${r.system} — evidence not first: ${r.misses.map((m) => `${m.id}@${m.rank || ">10"}`).join(" ")}`);
  if (flag("--explain")) {
    for (const r of reports) {
      console.log(`\n${r.system} — failures:`);
      for (const f of r.failures) console.log(`  ${f.id} ${f.problem}\n    Q: ${f.question}\n    A: ${f.answer.replace(/\s+/g, " ").slice(0, 300)}`);
    }
  }
}

function table(rows: EvalReport[]): string {
  const columns: [string, (r: EvalReport) => string][] = [
    ["system", (r) => r.system],
    ["R@1", (r) => fmt(r.recall1)],
    ["R@3", (r) => fmt(r.recall3)],
    ["R@5", (r) => fmt(r.recall5)],
    ["MRR@10", (r) => fmt(r.mrr10)],
    ["answer hit", (r) => fmt(r.answerHit)],
    ["cite support", (r) => fmt(r.citationSupport)],
    ["cite valid", (r) => fmt(r.citationValidity)],
    ["abstain ok", (r) => (r.abstainCorrect === null ? "–" : fmt(r.abstainCorrect))],
    ["false abstain", (r) => fmt(r.falseAbstain)],
    ["passage chars", (r) => String(r.meanPassageChars)],
    ["answer chars", (r) => String(r.meanAnswerChars)],
    ["cite chars", (r) => String(r.meanCitationChars)],
    ["search p50/p95 ms", (r) => `${r.searchP50ms.toFixed(1)}/${r.searchP95ms.toFixed(1)}`],
    ["ask p50/p95 ms", (r) => `${r.askP50ms.toFixed(1)}/${r.askP95ms.toFixed(1)}`],
    ["errors", (r) => String(r.errors)],
  ];
  const lines = [`| ${columns.map((c) => c[0]).join(" | ")} |`, `| ${columns.map(() => "---").join(" | ")} |`];
  for (const r of rows) lines.push(`| ${columns.map((c) => c[1](r)).join(" | ")} |`);
  return lines.join("\n");
}

function fmt(x: number): string {
  return x.toFixed(2);
}
