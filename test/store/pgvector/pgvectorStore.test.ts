import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureIndex, type EnsureIndexOptions } from "../../../src/ingest/buildIndex.js";
import { loadCorpus } from "../../../src/ingest/loadCorpus.js";
import { hnswFileStore } from "../../../src/store/hnswFileStore.js";
import type { IndexStore } from "../../../src/store/indexStore.js";
import { migrate, MIGRATIONS } from "../../../src/store/pgvector/migrations.js";
import { pgvectorStore } from "../../../src/store/pgvector/pgvectorStore.js";
import { createRag } from "../../../src/rag.js";
import { vectorsOf } from "../../helpers/sentenceVectors.js";
import { fakeEmbedder } from "../../helpers/fakeEmbedder.js";
import { startPostgres, type PostgresForTests } from "../../helpers/postgres.js";

let postgres: PostgresForTests;
let root: string;
let corpusDir: string;
let store: IndexStore;
let admin: pg.Pool;

const LONG = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} of the long document talks about topic ${i % 7} and harbours.`).join(" ");

async function writeCorpus(files: Record<string, string>) {
  await rm(corpusDir, { recursive: true, force: true });
  await mkdir(corpusDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(corpusDir, name), text);
}

async function build(target: IndexStore, overrides: Partial<EnsureIndexOptions> = {}) {
  const embedder = fakeEmbedder();
  const texts: string[] = [];
  const result = await ensureIndex({
    store: target,
    corpus: await loadCorpus(corpusDir),
    model: { id: "fake/hash-embedder", quantized: true },
    chunking: { maxChars: 200, overlapChars: 50 },
    getEmbedder: async () => ({ ...embedder, embed: (batch: string[]) => (texts.push(...batch), embedder.embed(batch)) }),
    ...overrides,
  });
  return { result, texts };
}

beforeAll(async () => {
  postgres = await startPostgres();
  admin = new pg.Pool({ connectionString: postgres.url, max: 2 });
});
afterAll(async () => {
  await store?.close();
  await admin?.end();
  await postgres?.stop();
});
beforeEach(async () => {
  await store?.close();
  await admin.query("DROP TABLE IF EXISTS rag_live_build, rag_terms, rag_sentences, rag_chunks, rag_documents, rag_builds, rag_migrations CASCADE");
  store = pgvectorStore({ url: postgres.url, poolSize: 4 });
  root = await mkdtemp(path.join(os.tmpdir(), "rag-pgvector-"));
  corpusDir = path.join(root, "corpus");
  await writeCorpus({ "a.txt": "Japan froze Russian assets. The amount is about $30 billion.\nA second paragraph follows here.", "b.txt": LONG });
});

describe("migrations", () => {
  it("run once, at first use, and again change nothing", async () => {
    expect(await store.current()).toBeNull();
    const { rows } = await admin.query("SELECT step FROM rag_migrations ORDER BY step");
    expect(rows.map((r) => r.step)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const client = await admin.connect();
    try {
      expect(await migrate(client)).toBe(0);
    } finally {
      client.release();
    }
  });

  it("refuse a database migrated by newer code", async () => {
    await store.current();
    await admin.query("INSERT INTO rag_migrations (step) VALUES ($1)", [MIGRATIONS.length + 1]);
    const fresh = pgvectorStore({ url: postgres.url, poolSize: 1 });
    try {
      await expect(fresh.current()).rejects.toMatchObject({ code: "index_incompatible", message: expect.stringContaining("newer than this code knows") });
    } finally {
      await fresh.close();
    }
  });
});

describe("the pgvector store", () => {
  it("holds the same build as the file store: spans, sentence vectors, postings, and the same nearest chunks", async () => {
    const files = hnswFileStore(path.join(root, "index"));
    const a = await build(files);
    const b = await build(store);
    const corpus = await loadCorpus(corpusDir);
    const fromFiles = await files.load(a.result.build, corpus.documents);
    const fromDatabase = await store.load(b.result.build, corpus.documents);
    expect(fromDatabase.chunks).toEqual(fromFiles.chunks);
    expect(fromDatabase.sentences).toEqual(fromFiles.sentences);
    expect(vectorsOf(fromDatabase.sentenceVectors)).toEqual(vectorsOf(fromFiles.sentenceVectors));
    expect([...fromDatabase.vocabulary]).toEqual([...fromFiles.vocabulary]);
    expect(fromDatabase.lexicalPostings).toEqual(fromFiles.lexicalPostings);
    expect(fromDatabase.lexicalForward).toEqual(fromFiles.lexicalForward);
    expect(fromDatabase.sentenceTerms).toEqual(fromFiles.sentenceTerms);
    const [query] = await fakeEmbedder().embed(["harbours and topic 3"]);
    const near = async (index: typeof fromFiles) => (await index.chunkStore.search(query!, 5)).map((h) => h.id);
    expect(await near(fromDatabase)).toEqual(await near(fromFiles));
    expect(b.result.dir).toMatch(/^postgres build \d+$/);
  });

  it("re-embeds only a changed document, and drops a removed one", async () => {
    const first = await build(store);
    expect(first.result.status).toBe("built");
    expect((await build(store)).result.status).toBe("unchanged");
    await writeCorpus({ "a.txt": "Japan froze Russian assets. The amount is now about $40 billion.", "b.txt": LONG });
    const changed = await build(store);
    expect(changed.result.reason).toMatch(/1 changed, 0 removed, 1 kept/);
    expect(changed.texts.every((t) => !t.includes("Sentence number"))).toBe(true);
    expect(changed.texts.length).toBeGreaterThan(0);
    await writeCorpus({ "b.txt": LONG });
    const removed = await build(store);
    expect(removed.texts).toEqual([]);
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM rag_documents WHERE build_id = $1", [Number(removed.result.build.id)]);
    expect(rows[0].n).toBe(1);
  });

  it("switches builds atomically: a build that fails midway leaves the live one serving and no rows behind", async () => {
    const first = await build(store);
    await writeCorpus({ "a.txt": "Another text entirely, about tariffs.", "b.txt": LONG });
    const failing = build(store, {
      onProgress: (p) => {
        if (p.phase === "write" && p.done > 0) throw new Error("disk full");
      },
    });
    await expect(failing).rejects.toThrow("disk full");
    expect((await store.current())?.id).toBe(first.result.build.id);
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM rag_builds");
    expect(rows[0].n).toBe(1);
    const corpus = await loadCorpus(corpusDir);
    expect((await store.load(first.result.build, (await store.readDocuments(first.result.build))!)).chunks.length).toBe(first.result.manifest.counts.chunks);
    expect(corpus.documents).toHaveLength(2);
  });

  it("keeps the live build and the one before it; older builds and their vector indexes go", async () => {
    const ids: string[] = [];
    for (const word of ["one", "two", "three"]) {
      await writeCorpus({ "a.txt": `The word is ${word}.`, "b.txt": LONG });
      ids.push((await build(store)).result.build.id);
    }
    const { rows } = await admin.query("SELECT id::text AS id FROM rag_builds ORDER BY id");
    expect(rows.map((r) => r.id)).toEqual(ids.slice(1));
    const indexes = await admin.query("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'rag_chunks_hnsw_%' ORDER BY indexname");
    expect(indexes.rows.map((r) => r.indexname)).toEqual(ids.slice(1).map((id) => `rag_chunks_hnsw_${id}`));
  });

  it("refuses to serve a build made with other settings when it may not build, and says why", async () => {
    await build(store);
    await expect(build(store, { chunking: { maxChars: 300, overlapChars: 50 }, mayBuild: false })).rejects.toMatchObject({
      code: "index_incompatible",
      message: expect.stringMatching(/postgres build \d+ does not match this service \(chunking changed\)/),
    });
    expect((await build(store, { chunking: { maxChars: 300, overlapChars: 50 } })).result.reason).toBe("chunking changed");
  });

  it("reports an unreachable database as store_unavailable (503), naming DATABASE_URL", async () => {
    const nowhere = pgvectorStore({ url: "postgres://postgres:postgres@127.0.0.1:1/postgres", poolSize: 1 });
    try {
      await expect(nowhere.current()).rejects.toMatchObject({ code: "store_unavailable", status: 503, message: expect.stringContaining("DATABASE_URL") });
    } finally {
      await nowhere.close();
    }
  });
});

describe("a service on the pgvector store", () => {
  it("answers 503 store_unavailable while its database is gone, and keeps running", async () => {
    const own = await startPostgres();
    const rag = createRag({ store: "pgvector", databaseUrl: own.url, corpusDir, indexDir: path.join(root, "unused"), embedder: fakeEmbedder(), storePollMs: 0 });
    try {
      await rag.load();
      expect((await rag.search({ query: "harbours" })).results.length).toBeGreaterThan(0);
      await own.stop();
      await expect(rag.search({ query: "harbours" })).rejects.toMatchObject({ code: "store_unavailable", status: 503 });
      expect(rag.listDocuments()).toHaveLength(2);
    } finally {
      await rag.close();
      await own.stop().catch(() => undefined);
    }
  });
});
