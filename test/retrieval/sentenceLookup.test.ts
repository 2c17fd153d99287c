import { describe, expect, it } from "vitest";
import { sentenceVectorsInMemory } from "../../src/store/sentenceVectors.js";
import { createSentenceLookup } from "../../src/retrieval/sentenceLookup.js";
import { contentTerms } from "../../src/retrieval/terms.js";
import type { LoadedIndex } from "../../src/store/indexParts.js";
import type { VectorStore } from "../../src/store/vectorStore.js";
import type { Span } from "../../src/types.js";
import { buildTermIndexes } from "../../src/ingest/buildIndex.js";

const DOC_A = "Japan imposed sanctions on Russia. Russia protested. Japan froze Russian assets. Japan sent aid to Ukraine.";
const DOC_B = "Sanctions were widened. Exports were banned.";

function span(docId: string, text: string, sentence: string): Span {
  const start = text.indexOf(sentence);
  if (start < 0) throw new Error(`no "${sentence}" in ${docId}`);
  return { docId, start, end: start + sentence.length, text: sentence };
}

// Deliberately not in document order, and interleaving the two documents.
const sentences: Span[] = [
  span("a", DOC_A, "Japan froze Russian assets."), // 0
  span("b", DOC_B, "Exports were banned."), // 1
  span("a", DOC_A, "Japan imposed sanctions on Russia."), // 2
  span("b", DOC_B, "Sanctions were widened."), // 3
  span("a", DOC_A, "Japan sent aid to Ukraine."), // 4
  span("a", DOC_A, "Russia protested."), // 5
];

const chunkStore: VectorStore = { dimensions: 2, size: 0, search: async () => [] };

const index = {
  manifest: {} as LoadedIndex["manifest"],
  chunks: [],
  sentences,
  sentenceVectors: sentenceVectorsInMemory({ dimensions: 2, codes: new Int8Array(sentences.length * 2), scales: new Float32Array(sentences.length) }),
  chunkStore,
  ...(await buildTermIndexes([], sentences)),
} satisfies LoadedIndex;

const lookup = await createSentenceLookup(index);
const a = (start: number, end: number): Span => ({ docId: "a", start, end, text: DOC_A.slice(start, end) });

describe("createSentenceLookup().within", () => {
  it("returns the sentences overlapping a span, in document order", () => {
    expect(lookup.within(a(0, DOC_A.length))).toEqual([2, 5, 0, 4]);
    expect(lookup.within({ docId: "b", start: 0, end: DOC_B.length, text: DOC_B })).toEqual([3, 1]);
  });

  it("includes sentences that overlap the span only partly", () => {
    const s5 = sentences[5]!;
    const s0 = sentences[0]!;
    expect(lookup.within(a(s5.start + 3, s0.start + 3))).toEqual([5, 0]);
  });

  it("excludes sentences that merely touch the span's ends", () => {
    const s5 = sentences[5]!;
    expect(lookup.within(a(s5.start, s5.end))).toEqual([5]);
    // The span of the gap between two sentences overlaps neither.
    expect(lookup.within(a(s5.end, s5.end + 1))).toEqual([]);
    expect(lookup.within(a(sentences[2]!.end, s5.start))).toEqual([]);
  });

  it("matches a brute-force overlap check for every span of the document", () => {
    const docA = sentences.map((s, id) => ({ s, id })).filter(({ s }) => s.docId === "a").sort((x, y) => x.s.start - y.s.start);
    for (let start = 0; start < DOC_A.length; start += 3) {
      for (let end = start + 1; end <= DOC_A.length; end += 5) {
        const expected = docA.filter(({ s }) => s.start < end && s.end > start).map(({ id }) => id);
        expect(lookup.within(a(start, end)), `[${start}, ${end})`).toEqual(expected);
      }
    }
  });

  it("returns nothing for a document it does not hold", () => {
    expect(lookup.within({ docId: "zzz", start: 0, end: 10, text: "" })).toEqual([]);
  });
});

describe("createSentenceLookup terms and idf", () => {
  it("gives the share of a question's idf weight each sentence holds, by brute force", () => {
    const questions = ["Which sanctions did Japan impose on Russia?", "Were exports banned?", "Did Japan send yen to Ukraine?", "the of and", "Russian assets"];
    for (const question of questions) {
      const terms = contentTerms(question);
      const overlap = lookup.termOverlap(terms);
      const total = terms.reduce((sum, t) => sum + lookup.idf(t), 0);
      sentences.forEach((sentence, id) => {
        const held = new Set(contentTerms(sentence.text));
        const expected = total > 0 ? terms.filter((t) => held.has(t)).reduce((sum, t) => sum + lookup.idf(t), 0) / total : 0;
        expect(overlap(id), `${question} / ${sentence.text}`).toBeCloseTo(expected, 12);
      });
    }
  });

  it("counts a term the corpus never uses in the weight, never as held", () => {
    const overlap = lookup.termOverlap(contentTerms("Japan yen"));
    const japan = lookup.idf("japan");
    expect(overlap(0)).toBeCloseTo(japan / (japan + lookup.idf("yen")), 12);
    expect(overlap(1)).toBe(0);
  });

  it("weighs rarer terms higher and unseen terms highest", () => {
    // idf takes stemmed terms, as contentTerms produces them.
    const idfOf = (word: string) => lookup.idf(contentTerms(word)[0]!);
    const japan = idfOf("Japan"); // in 3 of 6 sentences
    const sanction = idfOf("sanctions"); // 2 of 6
    const froze = idfOf("froze"); // 1 of 6
    const unseen = idfOf("yen"); // 0 of 6
    expect(japan).toBeLessThan(sanction);
    expect(sanction).toBeLessThan(froze);
    expect(froze).toBeLessThan(unseen);
    expect(japan).toBeGreaterThan(0);
  });
});

describe("createSentenceLookup facts", () => {
  it("gives a sentence's names, figures or dates as stems, worked out once per sentence and type", () => {
    const names = lookup.facts(0, "name");
    expect(names).toEqual(["russian"]);
    expect(lookup.facts(0, "name")).toBe(names);
    expect(lookup.facts(4, "name")).toEqual(["ukrain"]);
    expect(lookup.facts(4, "quantity")).toEqual([]);
    expect(lookup.facts(4, "date")).toEqual([]);
  });
});
