import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildTermIndexes, ensureIndex, type EnsureIndexOptions } from "../../src/ingest/buildIndex.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { hnswFileStore } from "../../src/store/hnswFileStore.js";
import type { IndexStore } from "../../src/store/indexStore.js";
import { loadIndex } from "../../src/store/loadIndex.js";
import type { HnswStore } from "../../src/store/hnswStore.js";
import { INDEX_FORMAT_VERSION } from "../../src/store/indexManifest.js";
import { codeFingerprint } from "../../src/store/codeFingerprint.js";
import { DEFAULT_BM25 } from "../../src/retrieval/lexicalPostings.js";
import { vectorsOf } from "../helpers/sentenceVectors.js";
import { fakeEmbedder } from "../helpers/fakeEmbedder.js";

let root: string;
let corpusDir: string;
let indexDir: string;

async function writeCorpus(secondText: string) {
  await mkdir(corpusDir, { recursive: true });
  await writeFile(path.join(corpusDir, "a.txt"), "Japan froze Russian assets. The amount is about $30 billion.\nA second paragraph follows here.");
  await writeFile(path.join(corpusDir, "b.txt"), secondText);
  await writeFile(
    path.join(corpusDir, "manifest.json"),
    JSON.stringify({
      formatVersion: 1,
      documents: [
        { docId: "doc-a", file: "a.txt", title: "A", author: null, publisher: null, date: null },
        { docId: "doc-b", file: "b.txt", title: "B", author: "Someone", publisher: null, date: "2025" },
      ],
    }),
  );
}

async function run(overrides: Partial<EnsureIndexOptions> = {}) {
  const embedder = fakeEmbedder(overrides.model?.id);
  let loaded = 0;
  const result = await ensureIndex({
    indexDir,
    corpus: await loadCorpus(corpusDir),
    model: { id: "fake/hash-embedder", quantized: true },
    chunking: { maxChars: 200, overlapChars: 50 },
    getEmbedder: async () => {
      loaded++;
      return embedder;
    },
    ...overrides,
  });
  return { result, loaded };
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "rag-ingest-"));
  corpusDir = path.join(root, "corpus");
  indexDir = path.join(root, "index");
  await writeCorpus("Kishida spoke on February 14. Sanctions would be agreed with Western partners.");
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("ensureIndex: the manifest decides when to rebuild", () => {
  it("builds when there is no index, then is a no-op that never loads the model", async () => {
    const first = await run();
    expect(first.result.status).toBe("built");
    expect(first.result.reason).toBe("no index yet");
    expect(first.loaded).toBe(1);
    const second = await run();
    expect(second.result.status).toBe("unchanged");
    expect(second.loaded).toBe(0);
    expect(second.result.dir).toBe(first.result.dir);
  });

  it("rebuilds incrementally when a document's text changes: only that document is embedded again, to the same index a full build makes", async () => {
    await run();
    await writeCorpus("Kishida spoke on February 15. Sanctions would be agreed with Western partners.");
    const texts: string[] = [];
    const embedder = fakeEmbedder();
    const recording = { ...embedder, embed: async (batch: string[]) => (texts.push(...batch), embedder.embed(batch)) };
    const again = await run({ getEmbedder: async () => recording });
    expect(again.result).toMatchObject({ status: "built", reason: "corpus changed: 0 added, 1 changed, 0 removed, 1 kept with their vectors" });
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.some((t) => t.includes("Japan froze"))).toBe(false);
    const corpus = await loadCorpus(corpusDir);
    const incremental = await loadIndex(again.result.dir, again.result.manifest, corpus.documents);
    const full = await run({ force: true });
    const whole = await loadIndex(full.result.dir, full.result.manifest, corpus.documents);
    expect(incremental.chunks).toEqual(whole.chunks);
    expect(incremental.sentences).toEqual(whole.sentences);
    expect(vectorsOf(incremental.sentenceVectors)).toEqual(vectorsOf(whole.sentenceVectors));
    expect((incremental.chunkStore as HnswStore).vectors()).toEqual((whole.chunkStore as HnswStore).vectors());
    expect(incremental.lexicalPostings).toEqual(whole.lexicalPostings);
  });

  it("builds once when another process published the same build while it waited for the lock", async () => {
    const files = hnswFileStore(indexDir);
    let publishedByOther!: () => void;
    const otherDone = new Promise<void>((resolve) => (publishedByOther = resolve));
    const waiting: IndexStore = { ...files, lock: async () => (await otherDone, files.lock()) };
    const first = run({ store: waiting, indexDir: undefined });
    const other = await run();
    publishedByOther();
    const { result, loaded } = await first;
    expect(result.status).toBe("unchanged");
    expect(loaded).toBe(0);
    expect(result.build.id).toBe(other.result.build.id);
  });

  it("rebuilds when the graph's m or ef_construction changes, not when ef_search (a search setting) does", async () => {
    await run();
    expect((await run({ hnsw: { m: 16, efConstruction: 200, efSearch: 300 } })).result.status).toBe("unchanged");
    expect((await run({ hnsw: { m: 8, efConstruction: 200, efSearch: 64 } })).result.reason).toBe("HNSW parameters changed");
  });

  it("ingests a document of 150,000 sentences (more than one call takes arguments)", async () => {
    await writeFile(path.join(corpusDir, "b.txt"), Array.from({ length: 150_000 }, (_, i) => `Line ${i} ends here.`).join("\n\n"));
    const { result } = await run();
    expect(result.manifest.counts.sentences).toBeGreaterThan(150_000);
  }, 120_000);

  it("drops a removed document and keeps the others' vectors, embedding nothing", async () => {
    await run();
    await rm(path.join(corpusDir, "b.txt"));
    await writeFile(
      path.join(corpusDir, "manifest.json"),
      JSON.stringify({ formatVersion: 1, documents: [{ docId: "doc-a", file: "a.txt", title: "A", author: null, publisher: null, date: null }] }),
    );
    const after = await run();
    expect(after.result.reason).toBe("corpus changed: 0 added, 0 changed, 1 removed, 1 kept with their vectors");
    expect(after.loaded).toBe(0);
    const corpus = await loadCorpus(corpusDir);
    const index = await loadIndex(after.result.dir, after.result.manifest, corpus.documents);
    expect(new Set(index.chunks.map((c) => c.docId))).toEqual(new Set(["doc-a"]));
  });

  it("rebuilds when the model id or precision changes", async () => {
    await run();
    const otherModel = await run({ model: { id: "fake/other-model", quantized: true } });
    expect(otherModel.result.status).toBe("built");
    expect(otherModel.result.reason).toBe("model changed");
    const fp32 = await run({ model: { id: "fake/other-model", quantized: false } });
    expect(fp32.result.reason).toBe("model changed");
  });

  it("rebuilds when chunking changes, and keeps one build on disk", async () => {
    await run();
    const rechunked = await run({ chunking: { maxChars: 120, overlapChars: 0 } });
    expect(rechunked.result.reason).toBe("chunking changed");
    const builds = (await readdir(indexDir)).filter((e) => e.startsWith("build-"));
    expect(builds).toEqual([path.basename(rechunked.result.dir)]);
  });

  it("records what the build was made from, and the build loads with exact spans", async () => {
    const { result } = await run();
    const corpus = await loadCorpus(corpusDir);
    expect(result.manifest).toMatchObject({
      formatVersion: INDEX_FORMAT_VERSION,
      bm25: DEFAULT_BM25,
      model: { id: "fake/hash-embedder", quantized: true },
      dimensions: 16,
      chunking: { maxChars: 200, overlapChars: 50 },
      corpusHash: corpus.hash,
      codeHash: codeFingerprint(),
      counts: { documents: 2 },
    });
    const index = await loadIndex(result.dir, result.manifest, corpus.documents);
    expect(index.chunks.length).toBe(result.manifest.counts.chunks);
    expect(index.chunkStore.size).toBe(index.chunks.length);
    const texts = new Map(corpus.documents.map((d) => [d.docId, d.text]));
    for (const span of [...index.chunks, ...index.sentences]) expect(texts.get(span.docId)!.slice(span.start, span.end)).toBe(span.text);
    const [query] = await fakeEmbedder().embed([index.chunks[0]!.text]);
    const [best] = await index.chunkStore.search(query!, 1);
    expect(best).toMatchObject({ id: 0 });
    expect(best!.score).toBeCloseTo(1, 5);
    // The BM25 postings come back exactly as they were computed from the chunks.
    const terms = await buildTermIndexes(index.chunks, index.sentences);
    expect(index.vocabulary).toEqual(terms.vocabulary);
    expect(index.lexicalPostings).toEqual(terms.lexicalPostings);
    expect(index.sentenceTerms).toEqual(terms.sentenceTerms);
  });

  it("rebuilds when the BM25 parameters change: the stored lexical scores depend on them", async () => {
    await run();
    const again = await run({ bm25: { ...DEFAULT_BM25, k1: 2 } });
    expect(again.result.status).toBe("built");
    expect(again.result.reason).toBe("BM25 parameters changed");
    const corpus = await loadCorpus(corpusDir);
    const index = await loadIndex(again.result.dir, again.result.manifest, corpus.documents);
    expect(index.lexicalPostings).toEqual((await buildTermIndexes(index.chunks, index.sentences, { ...DEFAULT_BM25, k1: 2 })).lexicalPostings);
    expect(index.lexicalPostings.scores).not.toEqual((await buildTermIndexes(index.chunks, index.sentences)).lexicalPostings.scores);
  });

  it("rebuilds when the code that builds the index changes, and keeps the build while it is the same", async () => {
    const first = await run({ codeHash: "code-a" });
    const same = await run({ codeHash: "code-a" });
    expect(same.result.status).toBe("unchanged");
    expect(same.result.dir).toBe(first.result.dir);
    const changed = await run({ codeHash: "code-b" });
    expect(changed.result).toMatchObject({ status: "built", reason: "code that builds the index changed", manifest: { codeHash: "code-b" } });
    expect(changed.result.manifest.fingerprint).not.toBe(first.result.manifest.fingerprint);
  });

  it("rebuilds a build whose manifest predates the code hash instead of trusting it", async () => {
    const { result } = await run();
    const file = path.join(result.dir, "manifest.json");
    const { codeHash: _, fingerprint: __, settingsFingerprint: ___, ...rest } = JSON.parse(await readFile(file, "utf8"));
    // As the code before the code hash wrote it: a hand-bumped chunking strategy, in the fingerprint too.
    const { formatVersion, model, chunking, hnsw, bm25, corpusHash } = { ...rest, chunking: { strategy: "sentences-v2", ...rest.chunking } };
    const fingerprint = createHash("sha256").update(JSON.stringify({ formatVersion, model, chunking, hnsw, bm25, corpusHash })).digest("hex");
    await writeFile(file, JSON.stringify({ ...rest, chunking, fingerprint }));
    const again = await run();
    expect(again.result).toMatchObject({ status: "built", reason: "code that builds the index changed", manifest: { codeHash: codeFingerprint() } });
  });

  it("reports progress: the texts embedded, then the chunks in the vector graph, each up to its total", async () => {
    const seen: { phase: string; done: number; total: number }[] = [];
    const { result } = await run({ onProgress: (p) => seen.push(p) });
    const { chunks, sentences } = result.manifest.counts;
    const embed = seen.filter((p) => p.phase === "embed");
    const graph = seen.filter((p) => p.phase === "graph");
    expect(seen).toEqual([...embed, ...graph]);
    expect(embed[0]).toEqual({ phase: "embed", done: 0, total: chunks + sentences });
    expect(embed.at(-1)).toEqual({ phase: "embed", done: chunks + sentences, total: chunks + sentences });
    expect(graph.at(-1)).toEqual({ phase: "graph", done: chunks, total: chunks });
    for (const list of [embed, graph]) list.slice(1).forEach((p, i) => expect(p.done).toBeGreaterThan(list[i]!.done));
  });

  it("leaves the previous build live when a rebuild fails midway", async () => {
    const first = await run();
    await writeCorpus("A changed document that will never finish embedding.");
    await expect(
      run({
        getEmbedder: async () => ({ ...fakeEmbedder(), embed: async () => Promise.reject(new Error("killed mid-embedding")) }),
      }),
    ).rejects.toThrow("killed mid-embedding");
    await writeCorpus("Kishida spoke on February 14. Sanctions would be agreed with Western partners.");
    const after = await run();
    expect(after.result.status).toBe("unchanged");
    expect(after.result.dir).toBe(first.result.dir);
  });

  it.each([
    ["sentences.i8", [1, 16]],
    ["sentence-scales.f32", [2, 4]],
  ])("refuses a build whose sentence vectors (%s) are cut short", async (name, cuts) => {
    await writeCorpus("Sanctions widened in March. Exports were banned.");
    const { result } = await run();
    const file = path.join(result.dir, name);
    const bytes = await readFile(file);
    const corpus = await loadCorpus(corpusDir);
    for (const cut of cuts) {
      await writeFile(file, bytes.subarray(0, bytes.length - cut));
      await expect(loadIndex(result.dir, result.manifest, corpus.documents)).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("is incomplete") });
    }
    await writeFile(file, bytes);
    const index = await loadIndex(result.dir, result.manifest, corpus.documents);
    expect(index.sentenceVectors.count).toBe(index.sentences.length);
    expect(index.sentenceVectors.vector(index.sentences.length - 1)).toHaveLength(result.manifest.dimensions);
  });

  it("refuses a build whose lexical postings or sentence terms are missing, cut short, unreadable or out of range", async () => {
    const { result } = await run();
    const corpus = await loadCorpus(corpusDir);
    const load = () => loadIndex(result.dir, result.manifest, corpus.documents);
    for (const name of ["lexical-offsets.i32", "lexical-ids.i32", "lexical-scores.f32", "forward-offsets.i32", "forward-terms.i32", "forward-scores.f32", "sentence-term-offsets.i32", "sentence-term-ids.i32"]) {
      const file = path.join(result.dir, name);
      const bytes = await readFile(file);
      for (const cut of [3, 8]) {
        await writeFile(file, bytes.subarray(0, bytes.length - cut));
        await expect(load(), `${name} cut by ${cut}`).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("is incomplete") });
      }
      await writeFile(file, bytes);
    }
    const idsFile = path.join(result.dir, "lexical-ids.i32");
    const ids = await readFile(idsFile);
    const pastTheEnd = Buffer.from(ids);
    pastTheEnd.writeInt32LE(result.manifest.counts.chunks, 0);
    await writeFile(idsFile, pastTheEnd);
    await expect(load()).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("lexical postings") });
    await writeFile(idsFile, ids);
    const offsetsFile = path.join(result.dir, "sentence-term-offsets.i32");
    const offsets = await readFile(offsetsFile);
    const backwards = Buffer.from(offsets);
    backwards.writeInt32LE(offsets.readInt32LE(8) + 1, 4);
    await writeFile(offsetsFile, backwards);
    await expect(load()).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("sentence terms") });
    await writeFile(offsetsFile, offsets);
    const termsFile = path.join(result.dir, "terms.json");
    const terms = await readFile(termsFile);
    await rm(termsFile);
    await expect(load()).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("terms.json is missing") });
    await writeFile(termsFile, "[\"cut");
    await expect(load()).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("not valid JSON") });
    await writeFile(termsFile, terms);
    await expect(load()).resolves.toBeDefined();
  });

  it("refuses parts whose content is out of order or of the wrong shape, which search would silently misread", async () => {
    await writeCorpus("Sanctions on Russian banks widened in March. Exports of Japanese goods were banned. Japan sanctioned Russian banks again.");
    const { result } = await run();
    const corpus = await loadCorpus(corpusDir);
    const load = () => loadIndex(result.dir, result.manifest, corpus.documents);
    const file = (name: string) => path.join(result.dir, name);
    /** Applies `change` to a copy of the file, expects loading to fail naming `reason`, then puts the file back. */
    async function refused(name: string, change: (bytes: Buffer) => Buffer | string, reason: string) {
      const original = await readFile(file(name));
      await writeFile(file(name), change(Buffer.from(original)));
      await expect(load(), `${name}: ${reason}`).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining(reason) });
      await writeFile(file(name), original);
    }
    const ints = async (name: string) => { const b = await readFile(file(name)); return Array.from({ length: b.length / 4 }, (_, i) => b.readInt32LE(4 * i)); };
    const lexicalOffsets = await ints("lexical-offsets.i32");
    const term = lexicalOffsets.findIndex((start, t) => t + 1 < lexicalOffsets.length && lexicalOffsets[t + 1]! - start >= 2);
    expect(term).toBeGreaterThanOrEqual(0);
    const first = lexicalOffsets[term]!;
    const sentenceOffsets = await ints("sentence-term-offsets.i32");
    const sentence = sentenceOffsets.findIndex((start, i) => i + 1 < sentenceOffsets.length && sentenceOffsets[i + 1]! - start >= 2);
    const firstTerm = sentenceOffsets[sentence]!;

    await refused("terms.json", () => "null", "terms.json does not hold what it should");
    await refused("span-documents.json", () => "{}", "span-documents.json is not a list of document ids");
    await refused("chunk-spans.i32", (b) => b.subarray(0, b.length - 4), "chunk-spans.i32 is cut short");
    await refused("sentence-spans.i32", (b) => { b.writeInt32LE(99, 0); return b; }, "sentence-spans.i32: span 0 is not a span of a listed document");
    await refused("chunk-spans.i32", (b) => { b.writeInt32LE(b.readInt32LE(8), 4); return b; }, "chunk-spans.i32: span 0 is not a span of a listed document");
    await refused("chunk-spans.i32", (b) => { b.writeInt32LE(1e6, 8); return b; }, "does not match the corpus");
    await refused("terms.json", () => "[1, 2]", "terms.json does not hold what it should");
    await refused("terms.json", (b) => JSON.stringify([...JSON.parse(b.toString()).slice(0, -1), "japan"]), "lists a term twice");
    await refused("lexical-scores.f32", (b) => { b.writeFloatLE(b.readFloatLE(4 * first) + 1, 4 * (first + 1)); return b; }, "not in descending order");
    await refused("lexical-ids.i32", (b) => { b.writeInt32LE(b.readInt32LE(4 * first), 4 * (first + 1)); return b; }, "or one twice");
    await refused("forward-terms.i32", (b) => { const x = b.readInt32LE(0); b.writeInt32LE(b.readInt32LE(4), 0); b.writeInt32LE(x, 4); return b; }, "the forward index names terms out of order");
    await refused("lexical-offsets.i32", (b) => { b.writeInt32LE(b.readInt32LE(4 * term) - 1, 4 * (term + 1)); return b; }, "cut or misaligned");
    await refused("sentence-term-ids.i32", (b) => { const x = b.readInt32LE(4 * firstTerm); b.writeInt32LE(b.readInt32LE(4 * (firstTerm + 1)), 4 * firstTerm); b.writeInt32LE(x, 4 * (firstTerm + 1)); return b; }, "not in ascending order");
    const lexicalTerms = await readFile(file("terms.json"));
    await rm(file("terms.json"));
    await expect(load()).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("terms.json is missing") });
    await writeFile(file("terms.json"), lexicalTerms);
    await expect(load()).resolves.toBeDefined();
  });
});
