import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRag } from "../src/rag.js";
import type { EnsureIndexResult } from "../src/ingest/buildIndex.js";
import { fakeEmbedder } from "./helpers/fakeEmbedder.js";

let root: string;
let corpusDir: string;
let indexDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "rag-core-"));
  corpusDir = path.join(root, "corpus");
  indexDir = path.join(root, "index");
  await mkdir(corpusDir, { recursive: true });
  await writeFile(path.join(corpusDir, "a.txt"), "Japan froze Russian assets in March 2022. The amount is about $30 billion.\nKishida said Japan stands with Ukraine.");
  await writeFile(
    path.join(corpusDir, "manifest.json"),
    JSON.stringify({ formatVersion: 1, documents: [{ docId: "doc-a", file: "a.txt", title: "A", author: null, publisher: null, date: null }] }),
  );
  // Built once, so the instances below only load it.
  const builder = createRag({ corpusDir, indexDir, embedder: fakeEmbedder(), queryCacheSize: 0 });
  await builder.load();
  await builder.close();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("createRag().load", () => {
  it("warms retrieval and answering up with stored vectors: loading a built index embeds nothing", async () => {
    const embedder = fakeEmbedder();
    const rag = createRag({ corpusDir, indexDir, embedder, queryCacheSize: 0 });
    await rag.load();
    expect(embedder.calls).toBe(0);
    const first = await rag.search({ query: "How much did Japan freeze?" });
    expect(embedder.calls).toBe(1);
    expect(first.results.length).toBeGreaterThan(0);
    await rag.close();
  });

  // Both instances warm up; what this shows is that the memos the warm-up (or any question) leaves do not change answers.
  it("answers a question the same whatever was asked before", async () => {
    const fresh = createRag({ corpusDir, indexDir, embedder: fakeEmbedder(), queryCacheSize: 0 });
    const used = createRag({ corpusDir, indexDir, embedder: fakeEmbedder(), queryCacheSize: 0 });
    await Promise.all([fresh.load(), used.load()]);
    for (const question of ["When did Japan act?", "What did Kishida say?", "Which country froze assets?"]) await used.ask({ question });
    const question = "How much did Japan freeze in March 2022?";
    expect(await fresh.ask({ question })).toEqual(await used.ask({ question }));
    await Promise.all([fresh.close(), used.close()]);
  });

  it.each([
    ["lexical-ids.i32", "lexical-ids.i32 is cut short"],
    ["chunks.hnsw", "chunks.hnsw could not be read"],
  ])("rebuilds a live build whose %s is damaged, once, and says why", async (file, why) => {
    const copy = path.join(root, `damaged-${file}`);
    await cp(indexDir, copy, { recursive: true });
    const build = (await readFile(path.join(copy, "CURRENT"), "utf8")).trim();
    const damaged = path.join(copy, build, file);
    await writeFile(damaged, (await readFile(damaged)).subarray(0, 3));
    const embedder = fakeEmbedder();
    const reports: EnsureIndexResult[] = [];
    const rag = createRag({ corpusDir, indexDir: copy, embedder, queryCacheSize: 0 });
    await rag.load({ onIndex: (r) => reports.push(r) });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: "built", reason: expect.stringContaining("could not be read") });
    expect(reports[0]!.reason).toContain(why);
    expect(embedder.calls).toBeGreaterThan(0);
    expect((await rag.search({ query: "How much did Japan freeze?" })).results.length).toBeGreaterThan(0);
    await rag.close();
    // The rebuilt index is whole: the next start only loads it.
    const again = createRag({ corpusDir, indexDir: copy, embedder: fakeEmbedder(), queryCacheSize: 0 });
    const next: EnsureIndexResult[] = [];
    await again.load({ onIndex: (r) => next.push(r) });
    expect(next[0]!.status).toBe("unchanged");
    await again.close();
  });
});
