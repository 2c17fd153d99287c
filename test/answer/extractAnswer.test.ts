import { describe, expect, it } from "vitest";
import { aliasLookupFromJson } from "../../src/answer/aliases.js";
import { DEFAULT_ANSWER_OPTIONS, extractAnswer, NOT_ANSWERED, type DocumentContext } from "../../src/answer/extractAnswer.js";
import { splitSentences } from "../../src/ingest/sentences.js";
import type { Passage } from "../../src/retrieval/retrieve.js";
import type { SentenceScore } from "../../src/retrieval/scoreSentences.js";
import { createSentenceLookup } from "../../src/retrieval/sentenceLookup.js";
import { evidenceTokens } from "../../src/retrieval/terms.js";
import type { LoadedIndex } from "../../src/store/indexParts.js";
import type { VectorStore } from "../../src/store/vectorStore.js";
import { buildTermIndexes } from "../../src/ingest/buildIndex.js";

const TEXT = [
  "Recovery conferences and Japan's role",
  "",
  "On October 25, a recovery conference was held in Berlin. Kishida took part by video. He stated that recovery must be owned by Ukraine. Japan later pledged $3 billion to Ukraine.",
].join("\n");

const sentences = splitSentences("doc", TEXT);
const chunkStore: VectorStore = { dimensions: 1, size: 0, search: async () => [] };
const index: LoadedIndex = {
  manifest: {} as LoadedIndex["manifest"],
  chunks: [],
  sentences,
  sentenceVectors: new Float32Array(sentences.length),
  chunkStore,
  ...(await buildTermIndexes([], sentences)),
};
const lookup = createSentenceLookup(index);
const passage: Passage = { docId: "doc", start: 0, end: TEXT.length, text: TEXT, title: "Recovery", score: 1, dense: 1 };
const context = new Map<string, DocumentContext>([["doc", { labelTokens: evidenceTokens("Recovery"), years: [] }]]);

/** Scores by sentence opening, so each test states which sentence the model would prefer. */
function scorer(scores: Record<string, { score: number; typed?: boolean }>) {
  return (id: number): SentenceScore => {
    const text = sentences[id]!.text;
    const key = Object.keys(scores).find((k) => text.startsWith(k));
    const { score, typed = false } = key ? scores[key]! : { score: 0 };
    return { dense: score, lexical: 0, typed, score };
  };
}

const ask = (question: string, scores: Record<string, { score: number; typed?: boolean }>) =>
  extractAnswer(question, [passage], index, lookup, scorer(scores), context);

describe("extractAnswer", () => {
  it("quotes the best sentence verbatim with a citation that slices out of the document", () => {
    const answer = ask("How much did Japan pledge?", { "Japan later": { score: 0.9, typed: true } });
    expect(answer.answerable).toBe(true);
    expect(answer.citations[0]!.text).toBe("Japan later pledged $3 billion to Ukraine.");
    for (const c of answer.citations) expect(TEXT.slice(c.start, c.end)).toBe(c.text);
    expect(answer.answer).toContain("[1]");
  });

  it("never answers with a heading, however well it matches", () => {
    const answer = ask("What was Japan's role at the recovery conferences?", {
      "Recovery conferences": { score: 0.99 },
      "Japan later": { score: 0.7 },
    });
    expect(answer.citations.map((c) => c.text)).not.toContain("Recovery conferences and Japan's role");
    expect(answer.citations[0]!.text).toBe("Japan later pledged $3 billion to Ukraine.");
  });

  it("adds the statement a scene-setting sentence leads up to, up to two sentences on", () => {
    const answer = ask("What principles did Kishida set out in Berlin?", {
      "On October 25": { score: 0.9 },
      "He stated": { score: 0.5, typed: true },
    });
    expect(answer.citations.map((c) => c.text)).toEqual([
      "On October 25, a recovery conference was held in Berlin.",
      "He stated that recovery must be owned by Ukraine.",
    ]);
    expect(answer.citations.map((c) => c.marker)).toEqual([1, 2]);
  });

  it("adds a next sentence that refers back to the best one", () => {
    const answer = ask("How did Kishida take part?", { Kishida: { score: 0.9, typed: true } });
    expect(answer.citations.map((c) => c.text)).toEqual(["Kishida took part by video.", "He stated that recovery must be owned by Ukraine."]);
  });

  it("abstains, citing the nearest passages, when the best sentence scores too low", () => {
    const answer = ask("What did Japan export?", { "Japan later": { score: 0.3 } });
    expect(answer).toMatchObject({ answerable: false, answer: NOT_ANSWERED });
    expect(answer.citations[0]!.text).toBe(TEXT);
  });

  it("abstains when the question names something the passages never mention", () => {
    const answer = ask("How much did South Korea pledge?", { "Japan later": { score: 0.95, typed: true } });
    expect(answer.answerable).toBe(false);
  });

  it("takes the corpus's aliases as a parameter: 'Kyiv' is grounded by 'Ukraine' only when they say so", () => {
    const scores = scorer({ "Japan later": { score: 0.95, typed: true } });
    const question = "How much did Japan pledge to Kyiv?";
    expect(extractAnswer(question, [passage], index, lookup, scores, context).answerable).toBe(false);
    const aliases = aliasLookupFromJson({ groups: [["Ukraine", "Kyiv"]] });
    const answer = extractAnswer(question, [passage], index, lookup, scores, context, DEFAULT_ANSWER_OPTIONS, aliases);
    expect(answer.citations[0]!.text).toBe("Japan later pledged $3 billion to Ukraine.");
  });

  it("grounds a demonym by its country without any aliases", () => {
    expect(ask("How much did Japan pledge to the Ukrainian side?", { "Japan later": { score: 0.95, typed: true } }).answerable).toBe(true);
  });
});
