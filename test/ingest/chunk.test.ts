import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { chunkSentences, type ChunkingOptions } from "../../src/ingest/chunk.js";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { splitSentences, textBlocks } from "../../src/ingest/sentences.js";
import type { CorpusDocument, Span } from "../../src/types.js";

const corpusDir = fileURLToPath(new URL("../../corpus", import.meta.url));

const SETTINGS: ChunkingOptions[] = [
  { maxChars: 600, overlapChars: 200 },
  { maxChars: 300, overlapChars: 0 },
  { maxChars: 1000, overlapChars: 400 },
  { maxChars: 120, overlapChars: 60 },
];

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

let documents: CorpusDocument[] = [];

beforeAll(async () => {
  documents = (await loadCorpus(corpusDir)).documents;
  expect(documents.length).toBeGreaterThan(0);
});

describe("splitSentences over the corpus", () => {
  it("gives exact offsets, trimmed ends, sorted and non-overlapping spans", () => {
    for (const doc of documents) {
      const sentences = splitSentences(doc.docId, doc.text);
      expect(sentences.length, doc.docId).toBeGreaterThan(0);
      let previous: Span | undefined;
      for (const s of sentences) {
        expect(s.docId).toBe(doc.docId);
        expect(doc.text.slice(s.start, s.end)).toBe(s.text);
        expect(s.end).toBeGreaterThan(s.start);
        expect(isSpace(s.text[0]), `${doc.docId}@${s.start} starts with whitespace`).toBe(false);
        expect(isSpace(s.text[s.text.length - 1]), `${doc.docId}@${s.start} ends with whitespace`).toBe(false);
        if (previous) expect(s.start, `${doc.docId}@${s.start} overlaps the sentence before`).toBeGreaterThanOrEqual(previous.end);
        previous = s;
      }
    }
  });

  it("leaves only whitespace outside sentences", () => {
    for (const doc of documents) {
      const sentences = splitSentences(doc.docId, doc.text);
      let cursor = 0;
      for (const s of [...sentences, { start: doc.text.length, end: doc.text.length }]) {
        expect(doc.text.slice(cursor, s.start).trim(), `${doc.docId} gap before ${s.start}`).toBe("");
        cursor = s.end;
      }
    }
  });

  it("does not end a sentence at the initial in \"Mikhail Y. Galuzin\"", () => {
    const doc = documents.find((d) => d.docId === "diplomatic-bluebook-2023-japans-response");
    expect(doc).toBeDefined();
    const sentences = splitSentences(doc!.docId, doc!.text);
    const hits = sentences.filter((s) => s.text.includes("Mikhail Y. Galuzin"));
    expect(hits).toHaveLength(1);
    expect(hits[0]!.text).toMatch(/^Furthermore, on February 24, .*Mikhail Y\. Galuzin, conveyed strong condemnation/);
    expect(sentences.some((s) => s.text.endsWith("Mikhail Y."))).toBe(false);
  });

  it("keeps abbreviations such as \"Dr.\" inside the sentence but still splits at line breaks", () => {
    const text = "We met Dr. Smith today. He agreed.\nY.\nNext line.";
    const sentences = splitSentences("d", text);
    expect(sentences.map((s) => s.text)).toEqual(["We met Dr. Smith today.", "He agreed.", "Y.", "Next line."]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});

describe.each(SETTINGS)("chunkSentences over the corpus with maxChars $maxChars, overlapChars $overlapChars", (options) => {
  const chunksOf = (doc: CorpusDocument) => chunkSentences(doc.text, splitSentences(doc.docId, doc.text), options);

  it("gives exact, non-empty, trimmed chunks of at most maxChars", () => {
    for (const doc of documents) {
      const chunks = chunksOf(doc);
      expect(chunks.length, doc.docId).toBeGreaterThan(0);
      for (const c of chunks) {
        expect(c.docId).toBe(doc.docId);
        expect(doc.text.slice(c.start, c.end)).toBe(c.text);
        expect(c.text.length).toBeGreaterThan(0);
        expect(c.end - c.start, `${doc.docId}@${c.start}`).toBeLessThanOrEqual(options.maxChars);
        expect(isSpace(c.text[0]), `${doc.docId}@${c.start} starts with whitespace`).toBe(false);
        expect(isSpace(c.text[c.text.length - 1]), `${doc.docId}@${c.start} ends with whitespace`).toBe(false);
      }
    }
  });

  it("advances and overlaps neighbours by at most overlapChars", () => {
    for (const doc of documents) {
      const chunks = chunksOf(doc);
      for (let i = 1; i < chunks.length; i++) {
        const prev = chunks[i - 1]!;
        const next = chunks[i]!;
        expect(next.start, `${doc.docId} chunk ${i} does not progress`).toBeGreaterThan(prev.start);
        expect(Math.max(0, prev.end - next.start), `${doc.docId} chunk ${i} overlap`).toBeLessThanOrEqual(options.overlapChars);
      }
    }
  });

  it("covers every non-whitespace character of the document", () => {
    for (const doc of documents) {
      const covered = new Uint8Array(doc.text.length);
      for (const c of chunksOf(doc)) covered.fill(1, c.start, c.end);
      for (let i = 0; i < doc.text.length; i++) {
        if (!covered[i] && !isSpace(doc.text[i])) {
          expect.fail(`${doc.docId}: character ${i} (${JSON.stringify(doc.text.slice(i, i + 20))}) is in no chunk`);
        }
      }
    }
  });

  if (options.overlapChars > 0) {
    it("actually repeats sentences between neighbouring chunks somewhere in the corpus", () => {
      const overlaps = documents.flatMap((doc) => {
        const chunks = chunksOf(doc);
        return chunks.slice(1).map((c, i) => chunks[i]!.end - c.start);
      });
      expect(overlaps.some((o) => o > 0)).toBe(true);
    });
  }
});

describe("chunkSentences on a single over-long sentence", () => {
  const text = "  Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau.  ";
  const start = text.indexOf("Alpha");
  const end = text.lastIndexOf(".") + 1;
  const sentence: Span = { docId: "synthetic", start, end, text: text.slice(start, end) };

  it("cuts it at spaces into exact pieces of at most maxChars", () => {
    const maxChars = 25;
    const chunks = chunkSentences(text, [sentence], { maxChars, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]!.start).toBe(start);
    expect(chunks[chunks.length - 1]!.end).toBe(end);
    for (const c of chunks) {
      expect(text.slice(c.start, c.end)).toBe(c.text);
      expect(c.text.length).toBeLessThanOrEqual(maxChars);
      expect(c.text).toBe(c.text.trim());
      // Cut at spaces: no word is broken across pieces.
      expect(text[c.start - 1] === " " || c.start === start).toBe(true);
      expect(text[c.end] === " " || c.end === end).toBe(true);
    }
    // Together the pieces are the sentence, with single spaces between them.
    expect(chunks.map((c) => c.text).join(" ")).toBe(sentence.text);
  });

  it("hard-cuts a word longer than maxChars rather than exceeding the limit", () => {
    const long = "x".repeat(50);
    const chunks = chunkSentences(long, [{ docId: "d", start: 0, end: 50, text: long }], { maxChars: 20, overlapChars: 0 });
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 20],
      [20, 40],
      [40, 50],
    ]);
  });

  // Regression: the overlap used to be repeated even when the next sentence did not
  // fit beside it, making a chunk that lay wholly inside the one before.
  it("never emits a chunk lying wholly inside the chunk before it", () => {
    const t = "Aaaa aaaa aaaa aaaa. Bbbb bbb. " + "C".repeat(44) + ".";
    const chunks = chunkSentences(t, splitSentences("d", t), { maxChars: 50, overlapChars: 20 });
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.end, `chunk ${i} adds nothing new`).toBeGreaterThan(chunks[i - 1]!.end);
    }
  });

  it("packs short sentences into one chunk when they fit", () => {
    const t = "One. Two. Three.";
    const chunks = chunkSentences(t, splitSentences("d", t), { maxChars: 100, overlapChars: 10 });
    expect(chunks).toEqual([{ docId: "d", start: 0, end: t.length, text: t }]);
  });
});

/** Section openers: headings with no heading right before them. */
function sectionStarts(text: string): number[] {
  const blocks = textBlocks(text);
  return blocks.filter((b, i) => b.kind === "heading" && blocks[i - 1]?.kind !== "heading").map((b) => b.start);
}

/** What chunks must respect at headings, for any chunking options. */
function expectChunksFollowSections(text: string, chunks: Span[], options: ChunkingOptions, label: string) {
  const blocks = textBlocks(text);
  const headings = blocks.filter((b) => b.kind === "heading");
  const openers = sectionStarts(text);
  chunks.forEach((chunk, i) => {
    for (const h of openers.filter((h) => h > chunk.start && h < chunk.end)) {
      // A chunk runs on into a new section only while it holds little.
      expect(text.slice(chunk.start, h).trimEnd().length, `${label} chunk ${i} runs across a heading`).toBeLessThan(0.7 * options.maxChars);
    }
    // Only a chunk of headings alone (a title page) may end with one.
    const endsInHeading = headings.some((h) => h.end === chunk.end && h.start > chunk.start);
    const onlyHeadings = blocks.filter((b) => b.start >= chunk.start && b.end <= chunk.end).every((b) => b.kind === "heading");
    if (i < chunks.length - 1 && !onlyHeadings) expect(endsInHeading, `${label} chunk ${i} ends with a heading`).toBe(false);
    const previous = chunks[i - 1];
    if (previous) {
      const repeated = openers.filter((h) => h > chunk.start && h < previous.end);
      expect(repeated, `${label} chunk ${i} repeats the section before its heading`).toEqual([]);
    }
  });
}

describe("chunkSentences at headings", () => {
  const paragraph = (topic: string) =>
    `Japan supported ${topic} in many ways. It coordinated with the G7 on ${topic}. ` + `Officials reviewed ${topic} every quarter and reported to the Diet.`;
  const text = [
    "Japan and Ukraine",
    "By a staff writer",
    "",
    "1 Finance",
    "",
    paragraph("budget aid"),
    "",
    paragraph("loans"),
    "",
    "2 Energy",
    "",
    paragraph("transformers"),
    "",
    "Getting started",
    "===============",
    "",
    paragraph("demining"),
  ].join("\n");
  const options = { maxChars: 250, overlapChars: 120 };
  const chunks = chunkSentences(text, splitSentences("d", text), options);

  it("starts a chunk at each heading, and ends the chunk before it there once that chunk has substance", () => {
    const energy = text.indexOf("2 Energy");
    expect(chunks.some((c) => c.start === energy)).toBe(true);
    expect(chunks.some((c) => c.start < energy && c.end > energy), "a full chunk runs into section 2").toBe(false);
    // The Energy section is short: its chunk runs on into the next one, which still gets a chunk of its own.
    const next = text.indexOf("Getting started");
    expect(chunks.some((c) => c.start === next)).toBe(true);
    expectChunksFollowSections(text, chunks, options, "synthetic");
  });

  it("keeps a title and byline with the section that follows them", () => {
    expect(chunks[0]!.text.startsWith("Japan and Ukraine\nBy a staff writer\n\n1 Finance\n\nJapan supported budget aid")).toBe(true);
  });

  it("still overlaps chunks inside a section", () => {
    const finance = chunks.filter((c) => c.end <= text.indexOf("2 Energy"));
    expect(finance.length).toBeGreaterThan(1);
    expect(finance.slice(1).some((c, i) => c.start < finance[i]!.end)).toBe(true);
  });

  it.each(SETTINGS)("holds over the corpus, as it comes and hard-wrapped, with maxChars $maxChars, overlapChars $overlapChars", (settings) => {
    for (const doc of documents) {
      for (const [label, version] of [
        [doc.docId, doc.text],
        // Hard-wrapped at 72 columns: a space before the column becomes a line break.
        [`${doc.docId} wrapped`, doc.text.replace(/(?![^\n]{1,72}$)([^\n]{1,72}) /g, "$1\n")],
      ] as const) {
        expectChunksFollowSections(version, chunkSentences(version, splitSentences(doc.docId, version), settings), settings, label);
      }
    }
  });
});
