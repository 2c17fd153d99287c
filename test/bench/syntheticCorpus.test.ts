import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticCorpus, type SyntheticCorpusOptions } from "../../scripts/bench/syntheticCorpus.js";
import { chunkSentences } from "../../src/ingest/chunk.js";
import { loadCorpus, type Corpus } from "../../src/ingest/loadCorpus.js";
import { splitSentences } from "../../src/ingest/sentences.js";

const sourceDir = fileURLToPath(new URL("../../corpus", import.meta.url));
const TARGET = 300;
const DEFAULT_CHUNKING = { maxChars: 600, overlapChars: 200 };
const MONTHS = /\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b/g;

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "synthetic-corpus-"));
  tempDirs.push(dir);
  return dir;
}

async function generate(options: SyntheticCorpusOptions) {
  const dir = await tempDir();
  const summary = await writeSyntheticCorpus(dir, options);
  return { dir, summary };
}

/** Every file of a directory, by name, as bytes. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

const chunkCount = (corpus: Corpus) =>
  corpus.documents.reduce((n, doc) => n + chunkSentences(doc.text, splitSentences(doc.docId, doc.text), DEFAULT_CHUNKING).length, 0);

// What a sentence is once the generator's re-drawn parts (digits, month names) are blanked.
const skeleton = (sentence: string) => sentence.replace(MONTHS, "<month>").replace(/\d+/g, "0");

let dir = "";
let summary: Awaited<ReturnType<typeof writeSyntheticCorpus>>;
let corpus: Corpus;
let source: Corpus;

beforeAll(async () => {
  ({ dir, summary } = await generate({ targetChunks: TARGET, seed: 1 }));
  corpus = await loadCorpus(dir);
  source = await loadCorpus(sourceDir);
});

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("writeSyntheticCorpus", () => {
  it("writes a corpus loadCorpus accepts, with the promised metadata and summary", async () => {
    expect(corpus.documents.length).toBe(summary.documents);
    expect(corpus.documents.length).toBeGreaterThan(1);
    corpus.documents.forEach((doc, i) => {
      expect(doc.docId).toBe(`synthetic-${String(i + 1).padStart(5, "0")}`);
      expect(doc).toMatchObject({ author: null, publisher: "synthetic", date: null, sourceFile: `${doc.docId}.txt` });
      expect(doc.title.length).toBeGreaterThan(0);
    });
    expect(corpus.documents.reduce((n, d) => n + d.text.length, 0)).toBe(summary.chars);
    const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8"));
    expect(manifest.formatVersion).toBe(1);
    // Nothing in the folder beyond what the manifest lists.
    expect((await readdir(dir)).sort()).toEqual(["manifest.json", ...corpus.documents.map((d) => `${d.docId}.txt`)].sort());
  });

  it("yields the target number of chunks under the real chunker, within 15%", () => {
    const chunks = chunkCount(corpus);
    expect(chunks).toBeGreaterThanOrEqual(TARGET * 0.85);
    expect(chunks).toBeLessThanOrEqual(TARGET * 1.15);
  });

  it("calibrates for other document sizes too, including a short last document", async () => {
    const small = await generate({ targetChunks: TARGET, seed: 3, documentChars: 2_000 });
    const smallCorpus = await loadCorpus(small.dir);
    expect(smallCorpus.documents.length).toBeGreaterThan(20);
    const chunks = chunkCount(smallCorpus);
    expect(chunks).toBeGreaterThanOrEqual(TARGET * 0.85);
    expect(chunks).toBeLessThanOrEqual(TARGET * 1.15);
  });

  it("is byte-identical for the same seed and differs in every document for another", async () => {
    const again = await generate({ targetChunks: TARGET, seed: 1 });
    const first = await snapshot(dir);
    const second = await snapshot(again.dir);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, bytes] of first) expect(second.get(name)!.equals(bytes), name).toBe(true);

    const other = await loadCorpus((await generate({ targetChunks: TARGET, seed: 2 })).dir);
    const byId = new Map(corpus.documents.map((d) => [d.docId, d.text]));
    for (const doc of other.documents) expect(doc.text, doc.docId).not.toBe(byId.get(doc.docId));
  });

  it("builds documents that are neither copies of each other nor of the source", () => {
    const texts = corpus.documents.map((d) => d.text);
    expect(new Set(texts).size).toBe(texts.length);
    const sourceTexts = new Set(source.documents.map((d) => d.text));
    for (const text of texts) expect(sourceTexts.has(text)).toBe(false);
  });

  it("writes only real corpus sentences, re-splitting exactly into paragraphs of 2-6", () => {
    const sourceSkeletons = new Set(source.documents.flatMap((d) => splitSentences(d.docId, d.text).map((s) => skeleton(s.text))));
    let sentences = 0;
    for (const doc of corpus.documents) {
      expect(doc.text.endsWith("\n"), doc.docId).toBe(true);
      const paragraphs = doc.text.trimEnd().split("\n\n");
      for (const paragraph of paragraphs) {
        expect(paragraph).not.toMatch(/^\s|\s$|\n/);
        const split = splitSentences(doc.docId, paragraph);
        expect(split.length, paragraph).toBeGreaterThanOrEqual(2);
        expect(split.length, paragraph).toBeLessThanOrEqual(6);
        for (const { text } of split) {
          // Reads as an English sentence: capitalised start, several words, closing punctuation.
          expect(text).toMatch(/^[“"‘(]?[A-Z]/);
          expect(text).toMatch(/[.!?][”"’)]*$/);
          expect(text.split(/\s+/).length, text).toBeGreaterThanOrEqual(5);
          expect((text.match(/[A-Za-z]/g) ?? []).length, text).toBeGreaterThan(text.length * 0.6);
          // ...and is a sentence of the real corpus, up to its re-drawn numbers and months.
          expect(sourceSkeletons.has(skeleton(text)), text).toBe(true);
          sentences++;
        }
      }
    }
    expect(sentences).toBe(summary.sentences);
  });

  it("re-draws numbers and months rather than copying sentences verbatim", () => {
    const sourceSentences = new Set(source.documents.flatMap((d) => splitSentences(d.docId, d.text).map((s) => s.text)));
    const withNumbers = corpus.documents.flatMap((d) => splitSentences(d.docId, d.text).map((s) => s.text)).filter((t) => /\d/.test(t));
    expect(withNumbers.length).toBeGreaterThan(50);
    const altered = withNumbers.filter((t) => !sourceSentences.has(t));
    expect(altered.length).toBeGreaterThan(withNumbers.length * 0.7);
  });

  it("replaces an earlier synthetic corpus in place, leaving no stale documents", async () => {
    const reused = await generate({ targetChunks: TARGET, seed: 1 });
    await writeSyntheticCorpus(reused.dir, { targetChunks: 60, seed: 1 });
    const smaller = await loadCorpus(reused.dir);
    expect(smaller.documents.length).toBeLessThan(summary.documents);
    expect((await readdir(reused.dir)).length).toBe(smaller.documents.length + 1);
  });

  it("refuses to overwrite a corpus it did not generate", async () => {
    const foreign = await tempDir();
    const manifest = JSON.stringify({ formatVersion: 1, documents: [{ docId: "real", file: "real.txt", title: "Real" }] });
    await writeFile(path.join(foreign, "manifest.json"), manifest);
    await expect(writeSyntheticCorpus(foreign, { targetChunks: 10 })).rejects.toThrow(/refusing to overwrite/);
    expect(await readFile(path.join(foreign, "manifest.json"), "utf8")).toBe(manifest);
  });

  it("rejects a target that is not a positive integer", async () => {
    const out = await tempDir();
    await expect(writeSyntheticCorpus(out, { targetChunks: 0 })).rejects.toThrow(/targetChunks/);
    await expect(writeSyntheticCorpus(out, { targetChunks: 12.5 })).rejects.toThrow(/targetChunks/);
  });
});
