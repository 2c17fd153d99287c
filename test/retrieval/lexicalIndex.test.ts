import { fileURLToPath } from "node:url";
import MiniSearch from "minisearch";
import { beforeAll, describe, expect, it } from "vitest";
import { chunkSentences } from "../../src/ingest/chunk.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { splitSentences } from "../../src/ingest/sentences.js";
import { createLexicalIndex, type LexicalIndexOptions } from "../../src/retrieval/lexicalIndex.js";
import { buildLexicalPostings } from "../../src/retrieval/lexicalPostings.js";
import { forwardIndexOf } from "../../src/retrieval/forwardIndex.js";
import { isStopword, stem, tokenize } from "../../src/retrieval/terms.js";
import { readQuestions } from "../../scripts/eval/questions.js";
import type { Span } from "../../src/types.js";

const corpusDir = fileURLToPath(new URL("../../corpus", import.meta.url));

const indexOf = async (spans: readonly Span[], options?: Partial<LexicalIndexOptions>) => {
  const vocabulary = new Map<string, number>();
  return createLexicalIndex(await buildLexicalPostings(spans, vocabulary), vocabulary, options);
};

const span = (text: string, docId = "d"): Span => ({ docId, start: 0, end: text.length, text });

let chunks: Span[] = [];
let questions: string[] = [];

beforeAll(async () => {
  const { documents } = await loadCorpus(corpusDir);
  chunks = documents.flatMap((d) => chunkSentences(d.text, splitSentences(d.docId, d.text), { maxChars: 600, overlapChars: 200 }));
  questions = (await readQuestions()).map((q) => q.question);
});

describe("createLexicalIndex", () => {
  it("ranks the same with a build's stored forward index as with one worked out from the postings", async () => {
    const vocabulary = new Map<string, number>();
    const postings = await buildLexicalPostings(chunks, vocabulary);
    const [stored, derived] = [await createLexicalIndex(postings, vocabulary, { maxPostingsPerQuery: 5 }, await forwardIndexOf(postings)), await createLexicalIndex(postings, vocabulary, { maxPostingsPerQuery: 5 })];
    for (const question of questions.slice(0, 10)) expect(stored.search(question, 10)).toEqual(derived.search(question, 10));
  });

  it("ranks the built-in corpus as MiniSearch does, with its scores to float32 rounding, when no postings list is cut", async () => {
    const processTerm = (term: string) => (isStopword(term) ? null : stem(term));
    const reference = new MiniSearch<{ id: number; text: string }>({
      fields: ["text"],
      tokenize,
      processTerm,
      searchOptions: { tokenize, processTerm, combineWith: "OR" },
    });
    reference.addAll(chunks.map((c, id) => ({ id, text: c.text })));
    const index = await indexOf(chunks);
    // Reading a small corpus's postings in full costs less than cutting and rescoring, whatever the budget.
    const tinyBudget = await indexOf(chunks, { maxPostingsPerQuery: 1 });
    expect(chunks.length).toBeGreaterThan(50);
    expect(questions.length).toBeGreaterThan(20);
    for (const question of [...questions, "Japan Japan sanctions", "the of and"]) {
      const expected = reference.search(question).slice(0, 10);
      const actual = index.search(question, 10);
      expect(tinyBudget.search(question, 10)).toEqual(actual);
      expect(actual.map((h) => h.id), question).toEqual(expected.map((r) => r.id));
      // Each term's contribution is stored as a float32: the sums agree to within its rounding.
      actual.forEach((hit, i) => expect(Math.abs(hit.score - expected[i]!.score)).toBeLessThan(1e-6 * Math.max(1, expected[i]!.score)));
      const everything = index.search(question, chunks.length);
      expect(everything.map((h) => h.id).sort((a, b) => a - b)).toEqual(reference.search(question).map((r) => r.id as number).sort((a, b) => a - b));
    }
  });

  it("matches whole words only, after stemming", async () => {
    const index = await indexOf([span("Japan froze assets."), span("Sanctioned banks in Japanese ports."), span("Sanctions widened.")]);
    expect(index.search("sanction", 5).map((h) => h.id).sort()).toEqual([1, 2]);
    expect(index.search("sanctioned", 5).map((h) => h.id).sort()).toEqual([1, 2]);
    expect(index.search("pan", 5)).toEqual([]);
    expect(index.search("japan", 5).map((h) => h.id)).toEqual([0]);
  });

  it("ranks chunks holding more distinct query terms first, and returns at most n", async () => {
    // The short one-term chunks weigh more per term; the one with all three terms still wins.
    const index = await indexOf([span("sanctions"), span("sanctions and aid to Ukraine, and much else besides"), span("aid"), span("nothing relevant")]);
    const hits = index.search("Ukraine aid sanctions", 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.id).toBe(1);
    expect(index.search("Ukraine aid sanctions", 0)).toEqual([]);
    expect(index.search("", 5)).toEqual([]);
    expect(index.search("zzz unknown", 5)).toEqual([]);
  });

  it("leaves no state behind between queries", async () => {
    const index = await indexOf(chunks);
    const first = index.search("energy imports from Russia", 5);
    index.search("Sakhalin LNG", 5);
    expect(index.search("energy imports from Russia", 5)).toEqual(first);
  });

  it("within a postings budget reads the strongest postings and rescores its candidates exactly", async () => {
    // 1000 chunks hold "aid"; the short ones weigh most, and the ten that also say "Ukraine" must survive the cut.
    // (Enough postings that cutting is cheaper than reading them all.)
    const many = Array.from({ length: 1000 }, (_, i) => span(i % 100 === 0 ? "aid to Ukraine" : `aid ${"filler words here ".repeat(1 + (i % 7))}`));
    const exact = (await indexOf(many)).search("aid Ukraine", 10);
    const exactScore = new Map((await indexOf(many)).search("aid Ukraine", 1000).map((h) => [h.id, h.score]));
    const cut = (await indexOf(many, { maxPostingsPerQuery: 20 })).search("aid Ukraine", 10);
    expect(cut).toEqual(exact);
    expect(cut.map((h) => h.id).sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    for (const hit of cut) expect(hit.score).toBeCloseTo(exactScore.get(hit.id)!, 9);
    await expect(indexOf(many, { maxPostingsPerQuery: 0 })).rejects.toThrow(RangeError);
  });

  it("rescores a candidate whose other terms fell outside the budget", async () => {
    // "aid" weighs most in the 1000 one-word chunks, so the budget skips it in the five long
    // chunks; they are found through the rare "Ukraine" and must still get their full score.
    const many = [
      ...Array.from({ length: 1000 }, () => span("aid")),
      ...Array.from({ length: 5 }, (_, i) => span(`Ukraine aid ${"with many more words around it ".repeat(4 + i)}`)),
    ];
    const exact = (await indexOf(many)).search("aid Ukraine", 5);
    const cut = (await indexOf(many, { maxPostingsPerQuery: 20 })).search("aid Ukraine", 5);
    expect(exact.map((h) => h.id)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(cut.map((h) => h.id)).toEqual(exact.map((h) => h.id));
    cut.forEach((hit, i) => expect(hit.score).toBeCloseTo(exact[i]!.score, 9));
  });
});
