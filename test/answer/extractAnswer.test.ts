import { describe, expect, it } from "vitest";
import { sentenceVectorsInMemory } from "../../src/store/sentenceVectors.js";
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

const chunkStore: VectorStore = { dimensions: 1, size: 0, search: async () => [] };

/** An index of one document's sentences and nothing else: what answer extraction reads. */
async function sentenceIndex(text: string): Promise<LoadedIndex> {
  const sentences = splitSentences("doc", text);
  return {
    manifest: {} as LoadedIndex["manifest"],
    chunks: [],
    sentences,
    sentenceVectors: sentenceVectorsInMemory({ dimensions: 1, codes: new Int8Array(sentences.length), scales: new Float32Array(sentences.length) }),
    chunkStore,
    ...(await buildTermIndexes([], sentences)),
  };
}

const index = await sentenceIndex(TEXT);
const { sentences } = index;
const lookup = await createSentenceLookup(index);
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

  it("adds the statement a scene-setting sentence leads up to, up to two sentences on, with the sentence its 'He' refers to", () => {
    const answer = ask("What principles did Kishida set out in Berlin?", {
      "On October 25": { score: 0.9 },
      "He stated": { score: 0.5, typed: true },
    });
    expect(answer.citations.map((c) => c.text)).toEqual([
      "On October 25, a recovery conference was held in Berlin.",
      "Kishida took part by video.",
      "He stated that recovery must be owned by Ukraine.",
    ]);
    expect(answer.citations.map((c) => c.marker)).toEqual([1, 2, 3]);
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

/** `extractAnswer` over one document of its own, its passage given as the text from `from` to `to` (whole by default). */
async function fixture(text: string, label = "Doc", passageText?: string) {
  const index = await sentenceIndex(text);
  const { sentences } = index;
  const lookup = await createSentenceLookup(index);
  const start = passageText === undefined ? 0 : text.indexOf(passageText);
  const end = passageText === undefined ? text.length : start + passageText.length;
  const passage: Passage = { docId: "doc", start, end, text: text.slice(start, end), title: label, score: 1, dense: 1 };
  const context = new Map<string, DocumentContext>([["doc", { labelTokens: evidenceTokens(label), years: [], text }]]);
  return (question: string, scores: Record<string, { score: number; typed?: boolean }>) =>
    extractAnswer(question, [passage], index, lookup, (id) => {
      const key = Object.keys(scores).find((k) => sentences[id]!.text.startsWith(k));
      const { score, typed = false } = key ? scores[key]! : { score: 0 };
      return { dense: score, lexical: 0, typed, score };
    }, context);
}

describe("extractAnswer quotes the best sentence with what it needs", () => {
  it("brings the sentence that 'This…' refers back to", async () => {
    const ask = await fixture("The client sends a request and then does a shutdown(1). This tells the server it is done sending. The server replies.");
    const answer = ask("What call tells the server the client is done sending?", { "This tells": { score: 0.9 }, "The client": { score: 0.6, typed: true } });
    expect(answer.citations.map((c) => c.text)).toEqual(["The client sends a request and then does a shutdown(1).", "This tells the server it is done sending."]);
  });

  it("does not take 'This Regulation…' for a reference to the sentence before", async () => {
    const ask = await fixture("Member states shall comply by May. This Regulation applies to all processing of personal data.");
    const answer = ask("What does the regulation apply to?", { "This Regulation": { score: 0.9 } });
    expect(answer.citations.map((c) => c.text)).toEqual(["This Regulation applies to all processing of personal data."]);
  });

  it("answers with an announcement and what it announces, citing a sentence a display cut in two as one span", async () => {
    const text =
      "Formatters\n\nIf there is no date format string, the default date format is:\n\n.. code-block:: none\n\n    %Y-%m-%d %H:%M:%S\n\nwith the milliseconds tacked on at the end. The style is one of three.";
    const ask = await fixture(text);
    const answer = ask("What date format is used when none is given?", { "If there is": { score: 0.9 }, "The style": { score: 0.6 } });
    expect(answer.answerable).toBe(true);
    expect(answer.citations.map((c) => c.text)).toEqual([
      "If there is no date format string, the default date format is:",
      "%Y-%m-%d %H:%M:%S\n\nwith the milliseconds tacked on at the end.",
    ]);
    for (const c of answer.citations) expect(text.slice(c.start, c.end)).toBe(c.text);
  });

  it("never answers with a complete clause that a list only elaborates", async () => {
    const ask = await fixture("This idiom is called Decorate-Sort-Undecorate after its three steps:\n\n* First, the list is decorated.\n* Second, it is sorted.\n\nTuples compare in order, so the idiom works.");
    const answer = ask("What makes the idiom work?", { "This idiom": { score: 0.95 }, "Tuples compare": { score: 0.7 } });
    expect(answer.citations.map((c) => c.text)).toEqual(["Tuples compare in order, so the idiom works."]);
  });

  it("adds a fact two sentences on without the sentence between when it stands on its own", async () => {
    const ask = await fixture("The conference was held in Berlin. Many delegations came. Japan pledged $3 billion.");
    const answer = ask("How much did Japan pledge at the conference?", { "The conference": { score: 0.9 }, "Japan pledged": { score: 0.5, typed: true } });
    expect(answer.citations.map((c) => c.text)).toEqual(["The conference was held in Berlin.", "Japan pledged $3 billion."]);
  });

  it("answers with an item of a list, closed by a semicolon, quoted after its lead-in", async () => {
    const ask = await fixture("2. The notice shall contain:\n\n(a) the name of the controller;\n\n(b) the purposes of the processing.\n");
    const answer = ask("Whose name must the notice contain?", { "(a)": { score: 0.9 } });
    expect(answer.citations.map((c) => c.text)).toEqual(["2. The notice shall contain:", "(a) the name of the controller;"]);
  });

  it("adds further answers that score about as well only while the quote stays short", async () => {
    const long = `The tenant must give notice in writing to the landlord ${"and to every person named in the lease ".repeat(8)}before leaving.`;
    const ask = await fixture(`${long} Notice must be given in writing. The lease ends after notice.`);
    const scores = { "The tenant": { score: 0.9 }, "Notice must": { score: 0.88 }, "The lease": { score: 0.87 } };
    expect(ask("How must the tenant give notice?", scores).citations.map((c) => c.text)).toEqual([long]);
    const shortAsk = await fixture("The tenant must give notice. Notice must be given in writing. The lease ends after notice.");
    expect(shortAsk("How must the tenant give notice?", scores).citations.map((c) => c.text)).toEqual([
      "The tenant must give notice.",
      "Notice must be given in writing.",
      "The lease ends after notice.",
    ]);
  });

  it("abstains when a question for a version is answered by a sentence that states none", async () => {
    const ask = await fixture("Python's string type uses the Unicode Standard for all characters. The database follows Unicode 15.0.");
    expect(ask("Which version of the Unicode Standard does Python use?", { "Python's string": { score: 0.9 } }).answerable).toBe(false);
    expect(ask("Which version of the Unicode Standard does Python use?", { "The database": { score: 0.9 } }).answerable).toBe(true);
  });

  it("grounds 'Article 17' by the heading of the section the passage sits in", async () => {
    const text = "Article 17\nRight to erasure\n\n1. The data subject shall have the right to erasure.\n\n2. The controller shall erase the data without undue delay.\n";
    const ask = await fixture(text, "Regulation", "2. The controller shall erase the data without undue delay.");
    const answer = ask("What must the controller do under Article 17?", { "2. The controller": { score: 0.9 } });
    expect(answer.citations.map((c) => c.text)).toEqual(["2. The controller shall erase the data without undue delay."]);
    expect(ask("What must the controller do under Article 18?", { "2. The controller": { score: 0.9 } }).answerable).toBe(false);
  });
});
