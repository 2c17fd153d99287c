// npm run eval:diagnose -- questions.jsonl [--split tune|report]
//
// Where answers are lost, per answerable question: is a sentence holding the
// answer among the retrieved passages at all, where does it rank among the
// answer candidates, and what did the service quote instead. For the
// unanswerable ones, the best candidate and its score parts. A tuning aid:
// run it on the tuning half only.
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { resolveConfig } from "../../src/config.js";
import { createRag } from "../../src/rag.js";
import { retrievePassages } from "../../src/core/pipeline.js";
import { readQuestions } from "./questions.js";
import { normalize } from "./relevance.js";

const args = process.argv.slice(2);
const split = args.includes("--split") ? args[args.indexOf("--split") + 1] : undefined;
const files = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--split");
const questions = (await Promise.all(files.map((f) => readQuestions(path.resolve(f))))).flat().filter((q) => !split || q.split === split);

const config = resolveConfig();
const chunking = `${config.chunkMaxChars}-${config.chunkOverlapChars}`;
const indexDir = path.join(os.tmpdir(), "cited-rag-eval", createHash("sha1").update(`${config.corpusDir}\0${chunking}`).digest("hex").slice(0, 8));
const rag = createRag({ indexDir, embedInWorker: false, queryCacheSize: 0 });
await rag.load();
const { embedder, retrieval } = rag.internals();
const { index, lookup } = retrieval;
const fmt = (x: number) => x.toFixed(3);

for (const q of questions) {
  const [vector] = await embedder.embed([q.question]);
  const { passages, scoreSentence } = await retrievePassages(rag.internals(), q.question, vector!, config.defaultK);
  const ids = [...new Set(passages.flatMap((p) => lookup.within(p)))].sort((a, b) => scoreSentence(b).score - scoreSentence(a).score);
  const ask = await rag.ask({ question: q.question });
  const describe = (id: number) => {
    const s = scoreSentence(id);
    return `score ${fmt(s.score)} (dense ${fmt(s.dense)} lexical ${fmt(s.lexical)}${s.typed ? " typed" : ""}) «${index.sentences[id]!.text.replace(/\s+/g, " ").slice(0, 160)}»`;
  };
  const answered = ask.answerable ? "answered" : "abstained";
  if (q.answerable) {
    const answers = (q.answers ?? []).map(normalize);
    const hit = ask.answerable && answers.some((a) => normalize(ask.answer).includes(a));
    if (hit) continue;
    const rank = ids.findIndex((id) => answers.some((a) => normalize(index.sentences[id]!.text).includes(a)));
    console.log(`\n${q.id} [${q.kind}] ${answered}, answer sentence ${rank < 0 ? "not retrieved" : `ranks ${rank + 1} of ${ids.length}`}\n  Q: ${q.question}`);
    if (rank >= 0) console.log(`  gold: ${describe(ids[rank]!)}`);
    if (ids[0] !== undefined) console.log(`  top:  ${describe(ids[0])}`);
  } else if (ask.answerable) {
    console.log(`\n${q.id} [${q.kind}] answered an unanswerable question\n  Q: ${q.question}\n  A: ${ask.answer.replace(/\s+/g, " ").slice(0, 240)}`);
  }
}
await rag.close();
