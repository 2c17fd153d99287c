// npm run bench:agreement [-- --out DIR]
// How far the vectors of the service's model runtime are from those of
// transformers.js 2 (`@xenova/transformers` 2.17, the runtime the service used
// before), on the same int8 model file: every chunk and sentence of the
// built-in corpus and every question of the dev and probe sets, each embedded
// alone (no padding) in each runtime, in its own process (two onnxruntime
// bindings in one process would share one native library name).
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { resolveConfig } from "../../src/config.js";
import { MAX_MODEL_TOKENS } from "../../src/embed/localEmbeddings.js";
import { chunkSentences } from "../../src/ingest/chunk.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { splitSentences } from "../../src/ingest/sentences.js";
import { installedVersion, MODEL_RUNTIME } from "../../src/store/codeFingerprint.js";
import { readQuestions, DEFAULT_DEV_SET } from "../eval/questions.js";
import { round } from "./stats.js";

const self = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(self), "..", "..");
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const config = resolveConfig();

/** Child: embeds the texts on stdin one at a time with the named runtime, writes the vectors as JSON. */
async function embedAll(runtime: "previous" | "current", texts: string[]): Promise<number[][]> {
  if (runtime === "previous") {
    const { env, pipeline } = await import("@xenova/transformers");
    env.localModelPath = config.modelsDir;
    env.allowRemoteModels = false;
    const extractor = await pipeline("feature-extraction", config.modelId, { quantized: config.quantized });
    // As the service's embedder cut texts before: at the 256 word pieces the model was trained on.
    extractor.tokenizer.model_max_length = MAX_MODEL_TOKENS;
    const out: number[][] = [];
    for (const text of texts) out.push(Array.from((await extractor([text], { pooling: "mean", normalize: true })).data as Float32Array));
    return out;
  }
  const { LocalEmbeddings } = await import("../../src/embed/localEmbeddings.js");
  const model = await LocalEmbeddings.load({ modelsDir: config.modelsDir, modelId: config.modelId, quantized: config.quantized });
  const out: number[][] = [];
  for (const text of texts) out.push(Array.from((await model.embed([text]))[0]!));
  return out;
}

if (args[0] === "--child") {
  const texts = JSON.parse(await new Promise<string>((resolve) => {
    let input = "";
    process.stdin.setEncoding("utf8").on("data", (part: string) => (input += part)).on("end", () => resolve(input));
  })) as string[];
  // Exit only once the pipe has taken all of it: an earlier exit cuts the JSON short.
  process.stdout.write(JSON.stringify(await embedAll(args[1] as "previous" | "current", texts)), () => process.exit(0));
  await new Promise(() => undefined);
}

async function inChild(runtime: string, texts: string[]): Promise<number[][]> {
  const child = promisify(execFile)(process.execPath, ["--import", "tsx", self, "--child", runtime], { cwd: repoRoot, maxBuffer: 1 << 28 });
  child.child.stdin!.end(JSON.stringify(texts));
  return JSON.parse((await child).stdout) as number[][];
}

const corpus = await loadCorpus(config.corpusDir);
const texts: string[] = [];
for (const doc of corpus.documents) {
  const sentences = splitSentences(doc.docId, doc.text);
  texts.push(...sentences.map((s) => s.text));
  texts.push(...chunkSentences(doc.text, sentences, { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars }).map((c) => c.text));
}
for (const file of [DEFAULT_DEV_SET, path.join(repoRoot, "eval", "probes.jsonl")]) texts.push(...(await readQuestions(file)).map((q) => q.question));
process.stderr.write(`embedding ${texts.length} texts with each runtime…\n`);
const [previous, current] = [await inChild("previous", texts), await inChild("current", texts)];
const byText = previous.map((a, i) => ({ text: texts[i]!, cosine: a.reduce((sum, x, k) => sum + x * current[i]![k]!, 0) }));
const cosines = byText.map((t) => t.cosine).sort((a, b) => a - b);
if (args.includes("--verbose")) for (const t of byText.sort((a, b) => a.cosine - b.cosine).slice(0, 8)) process.stderr.write(`${t.cosine.toFixed(5)} ${JSON.stringify(t.text.slice(0, 160))} (${t.text.length} chars)\n`);
const report = {
  measuredAt: new Date().toISOString(),
  previous: `@xenova/transformers@${installedVersion("@xenova/transformers")}`,
  current: `${MODEL_RUNTIME}@${installedVersion(MODEL_RUNTIME)}`,
  texts: texts.length,
  cosine: { min: round(cosines[0]!, 7), p01: round(cosines[Math.floor(cosines.length * 0.01)]!, 7), median: round(cosines[cosines.length >> 1]!, 7) },
  identical: cosines.filter((c) => c >= 1 - 1e-6).length,
};
const outDir = path.resolve(option("--out") ?? path.join(repoRoot, "bench", "results"));
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, "agreement.json"), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report, null, 2));
