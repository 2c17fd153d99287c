import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readQuestions, type EvalQuestion } from "../../scripts/eval/questions.js";
import { createRag, type Rag } from "../../src/rag.js";
import { startPostgres, type PostgresForTests } from "../helpers/postgres.js";
import { SHARED_TEST_INDEX } from "../helpers/server.js";

// Both stores hold the same build (same spans, sentence vectors and postings; the chunk vectors
// searched by hnswlib in-process or by pgvector's HNSW index in Postgres), so on the dev and probe
// questions they must give the same passages in the same order and the same answers. The tolerance
// (docs/SCALING.md): ranks of the top 5 equal for every question; scores (reported to 4 decimals)
// within one unit of the last decimal, since a cosine computed in two places rounds differently.
let postgres: PostgresForTests;
let indexDir: string;
let files: Rag;
let database: Rag;
let questions: EvalQuestion[];

beforeAll(async () => {
  postgres = await startPostgres();
  indexDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-agreement-"));
  questions = [...(await readQuestions()), ...(await readQuestions(path.resolve("eval/probes.jsonl")))];
  files = createRag({ indexDir: SHARED_TEST_INDEX, embedInWorker: false, queryCacheSize: 0 });
  database = createRag({ store: "pgvector", databaseUrl: postgres.url, indexDir, embedInWorker: false, queryCacheSize: 0 });
  await files.load();
  await database.load();
});
afterAll(async () => {
  await files?.close();
  await database?.close();
  await postgres?.stop();
  await rm(indexDir, { recursive: true, force: true });
});

describe("the pgvector store agrees with the file store", () => {
  it("returns the same passages in the same order, with the same scores, for every dev and probe question", async () => {
    for (const q of questions) {
      const a = await files.search({ query: q.question, k: 5 });
      const b = await database.search({ query: q.question, k: 5 });
      const spans = (r: typeof a) => r.results.map((p) => `${p.docId}:${p.start}-${p.end}`);
      expect(spans(b), q.id).toEqual(spans(a));
      b.results.forEach((p, i) => expect(Math.abs(p.score - a.results[i]!.score), q.id).toBeLessThanOrEqual(1.0001e-4));
    }
  });

  it("gives the same answers with the same citations", async () => {
    for (const q of questions) {
      const a = await files.ask({ question: q.question });
      const b = await database.ask({ question: q.question });
      expect(b.answer, q.id).toBe(a.answer);
      expect(b.answerable, q.id).toBe(a.answerable);
      expect(b.citations.map((c) => [c.docId, c.start, c.end]), q.id).toEqual(a.citations.map((c) => [c.docId, c.start, c.end]));
    }
  });
});
