import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolveConfig } from "../../src/config.js";
import { chunkSentences, type ChunkingOptions } from "../../src/ingest/chunk.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { splitSentences } from "../../src/ingest/sentences.js";

export interface SyntheticCorpusOptions {
  /** Chunks the corpus should yield under `chunking`; the result lands within a few percent. */
  targetChunks: number;
  /** default 1 */
  seed?: number;
  /** Approximate length of each document; default 20_000. */
  documentChars?: number;
  /** Corpus whose sentences are recombined; default the project's corpus/. */
  sourceDir?: string;
  /** Chunker settings to calibrate against; default the service's defaults (not the environment's). */
  chunking?: ChunkingOptions;
}

export interface SyntheticCorpusSummary {
  documents: number;
  chars: number;
  sentences: number;
}

const DEFAULT_SOURCE_DIR = fileURLToPath(new URL("../../corpus", import.meta.url));
const DEFAULT_DOCUMENT_CHARS = 20_000;
// Enough sample to average out per-document rounding and paragraph-length noise
// (a few percent at most) while chunking well under a megabyte.
const CALIBRATION_DOCUMENTS = 4;
const CALIBRATION_CHUNKS = 400;
// Marks a manifest as ours, so a mistyped outDir can never overwrite a real corpus.
const GENERATOR = "scripts/bench/syntheticCorpus.ts";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
// "May" is only a month when a number follows; otherwise it may be the verb.
const MONTH_OR_NUMBER = new RegExp(`\\b(${MONTHS.filter((m) => m !== "May").join("|")}|May(?=\\s+\\d))\\b(?:(\\s+)(\\d{1,2})\\b)?|\\b\\d+\\b`, "g");
const YEAR = /^(?:19|20)\d\d$/;

/**
 * Writes `outDir/manifest.json` and one text per document, built from the source
 * corpus's sentences reshuffled into new paragraphs with numbers, days, months and
 * years re-drawn, sized so the default chunker yields about `targetChunks` chunks.
 * Documents are produced and written one at a time, so memory stays at one document.
 * Document i depends only on (seed, i, documentChars), so a smaller corpus is a
 * prefix of a larger one with the same seed (bar its shortened last document).
 */
export async function writeSyntheticCorpus(outDir: string, options: SyntheticCorpusOptions): Promise<SyntheticCorpusSummary> {
  const { targetChunks, seed = 1, documentChars = DEFAULT_DOCUMENT_CHARS, sourceDir = DEFAULT_SOURCE_DIR } = options;
  if (!Number.isInteger(targetChunks) || targetChunks < 1) throw new Error(`targetChunks must be a positive integer, not ${targetChunks}.`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, not ${seed}.`);
  if (!Number.isInteger(documentChars) || documentChars < 100) throw new Error(`documentChars must be an integer of at least 100, not ${documentChars}.`);
  const chunking = options.chunking ?? defaultChunking();

  const pool = await loadSentencePool(sourceDir);
  const plan = planDocuments(pool, seed, documentChars, targetChunks, chunking);
  const staleFiles = await claimOutDir(outDir);

  const entries: { docId: string; file: string; title: string; author: null; publisher: string; date: null }[] = [];
  const summary: SyntheticCorpusSummary = { documents: 0, chars: 0, sentences: 0 };
  for (const [i, length] of plan.entries()) {
    const number = String(i + 1).padStart(5, "0");
    const docId = `synthetic-${number}`;
    const file = `${docId}.txt`;
    const doc = buildDocument(pool, seed, i, length);
    await writeFile(path.join(outDir, file), doc.text, "utf8");
    entries.push({ docId, file, title: `Synthetic document ${number}`, author: null, publisher: "synthetic", date: null });
    summary.documents++;
    summary.chars += doc.text.length;
    summary.sentences += doc.sentences;
    staleFiles.delete(file);
  }
  for (const file of staleFiles) await rm(path.join(outDir, file), { force: true });
  const manifest = { formatVersion: 1, generator: GENERATOR, settings: { targetChunks, seed, documentChars, chunking }, documents: entries };
  // Written last: a run that dies midway leaves no manifest rather than one that lies.
  await writeFile(path.join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`, "utf8");
  return summary;
}

function defaultChunking(): ChunkingOptions {
  // An empty environment: the benchmark's sizes must not drift with the caller's CHUNK_* variables.
  const config = resolveConfig({}, {});
  return { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars };
}

/**
 * Source sentences that read as standalone prose and that splitSentences cuts
 * exactly there even between other sentences, so the generated text re-splits
 * into the very sentences it was built from (no headings, list markers or
 * abbreviation endings that would glue onto a neighbour).
 */
async function loadSentencePool(sourceDir: string): Promise<string[]> {
  const { documents } = await loadCorpus(sourceDir);
  const pool = new Set<string>();
  for (const doc of documents) {
    for (const { text } of splitSentences(doc.docId, doc.text)) {
      if (text.length < 40 || text.length > 400) continue;
      if (!/^[“"‘(]?[A-Z]/.test(text) || !/[.!?][”"’)]*$/.test(text)) continue;
      if ((text.match(/[A-Za-z]/g)?.length ?? 0) < text.length * 0.6) continue;
      const probe = splitSentences("probe", `This comes first. ${text} This comes last.`);
      if (probe.length !== 3 || probe[1]!.text !== text) continue;
      pool.add(text);
    }
  }
  if (pool.size < 20) throw new Error(`Corpus ${sourceDir} has only ${pool.size} usable sentences; need at least 20 to vary documents.`);
  return [...pool];
}

/**
 * Document lengths that add up to about `targetChunks`: full documents counted by
 * chunking the first few for real (the chunker's yield per character depends on
 * sentence lengths, which no formula knows), then one shorter document for the rest.
 */
function planDocuments(pool: string[], seed: number, documentChars: number, targetChunks: number, chunking: ChunkingOptions): number[] {
  let sampleDocuments = 0;
  let sampleChars = 0;
  let sampleChunks = 0;
  while (sampleDocuments < CALIBRATION_DOCUMENTS || sampleChunks < CALIBRATION_CHUNKS) {
    const { text } = buildDocument(pool, seed, sampleDocuments++, documentChars);
    sampleChars += text.length;
    sampleChunks += chunkSentences(text, splitSentences("sample", text), chunking).length;
  }
  const chunksPerDocument = sampleChunks / sampleDocuments;
  const charsPerChunk = sampleChars / sampleChunks;
  const fullDocuments = Math.floor(targetChunks / chunksPerDocument);
  const plan = new Array<number>(fullDocuments).fill(documentChars);
  const remainder = targetChunks - fullDocuments * chunksPerDocument;
  // A document's last chunk is partial, so a short one yields about half a chunk
  // more than its length suggests; skip it when that would overshoot more than it fills.
  if (remainder >= 0.5 || plan.length === 0) plan.push(Math.max(1, Math.round((remainder - 0.5) * charsPerChunk)));
  return plan;
}

/** Paragraphs of 2–6 sentences until the text reaches `minChars`. */
function buildDocument(pool: string[], seed: number, index: number, minChars: number): { text: string; sentences: number } {
  const random = mulberry32(documentSeed(seed, index));
  const order = pool.map((_, i) => i);
  let next = order.length;
  const paragraphs: string[] = [];
  let length = 0;
  let sentences = 0;
  while (length < minChars) {
    const count = 2 + Math.floor(random() * 5);
    const paragraph: string[] = [];
    for (let s = 0; s < count; s++) {
      // Deal the pool like a deck so a document repeats no sentence until it has used them all.
      if (next === order.length) {
        shuffle(order, random);
        next = 0;
      }
      paragraph.push(vary(pool[order[next++]!]!, random));
    }
    const text = paragraph.join(" ");
    paragraphs.push(text);
    length += text.length + 2;
    sentences += count;
  }
  return { text: `${paragraphs.join("\n\n")}\n`, sentences };
}

/** Re-draws every number, day, month and year, keeping each one's shape so the sentence still reads naturally. */
function vary(sentence: string, random: () => number): string {
  return sentence.replace(MONTH_OR_NUMBER, (match, month: string | undefined, space: string | undefined, day: string | undefined) => {
    if (month !== undefined) {
      const newMonth = MONTHS[Math.floor(random() * 12)]!;
      return day === undefined ? newMonth : `${newMonth}${space}${1 + Math.floor(random() * 28)}`;
    }
    if (YEAR.test(match)) return String(2014 + Math.floor(random() * 12));
    let digits = "";
    for (let i = 0; i < match.length; i++) {
      // A leading non-zero stays non-zero so "45" never turns into "05".
      const nonZero = i === 0 && match.length > 1 && match[0] !== "0";
      digits += nonZero ? String(1 + Math.floor(random() * 9)) : String(Math.floor(random() * 10));
    }
    return digits;
  });
}

function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

// One stream per document rather than one for the corpus, so document i is the
// same whatever the target size, and neighbouring seeds do not yield shifted copies.
function documentSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/** mulberry32: tiny, fast, and good enough to shuffle sentences; not for anything secret. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Creates outDir, or reuses it when it holds an earlier synthetic corpus, returning
 * that corpus's files so those the new one does not overwrite can be removed.
 */
async function claimOutDir(outDir: string): Promise<Set<string>> {
  await mkdir(outDir, { recursive: true });
  const manifestPath = path.join(outDir, "manifest.json");
  let previous: { generator?: unknown; documents?: { file?: unknown }[] };
  try {
    previous = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw new Error(`${manifestPath} exists but is not a synthetic corpus manifest; refusing to overwrite it.`, { cause });
  }
  if (previous.generator !== GENERATOR) throw new Error(`${manifestPath} belongs to a corpus this script did not generate; refusing to overwrite it.`);
  await rm(manifestPath);
  const files = (previous.documents ?? []).map((d) => d.file).filter((f): f is string => typeof f === "string" && /^synthetic-\d+\.txt$/.test(f));
  return new Set(files);
}

async function main(argv: string[]): Promise<void> {
  const [outDir, target, seedArg] = argv;
  const targetChunks = Number(target);
  const seed = seedArg === undefined ? 1 : Number(seedArg);
  if (!outDir || !Number.isInteger(targetChunks) || targetChunks < 1 || !Number.isInteger(seed)) {
    console.error("usage: npx tsx scripts/bench/syntheticCorpus.ts <outDir> <targetChunks> [seed]");
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const summary = await writeSyntheticCorpus(path.resolve(outDir), { targetChunks, seed });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${path.resolve(outDir)}: ${summary.documents} documents, ${summary.sentences} sentences, ` +
      `${(summary.chars / 1e6).toFixed(1)}M chars for ~${targetChunks} chunks (seed ${seed}) in ${seconds.toFixed(1)} s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
