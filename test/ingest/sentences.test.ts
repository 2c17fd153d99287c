import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "../../src/ingest/loadCorpus.js";
import { sentenceSegments, splitSentences, textBlocks } from "../../src/ingest/sentences.js";
import { textForModel } from "../../src/ingest/textForModel.js";
import type { CorpusDocument, Span } from "../../src/types.js";

const corpusDir = fileURLToPath(new URL("../../corpus", import.meta.url));

/** The sentences' texts, after checking every offset against the text. */
function sentencesOf(text: string): string[] {
  const spans = splitSentences("d", text);
  for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  return spans.map((s) => s.text);
}

const headingsOf = (text: string) => textBlocks(text).filter((b) => b.kind === "heading").map((b) => text.slice(b.start, b.end));

/** Greedy wrap at `width` columns, at spaces only (as fmt, Emacs and Vim do), keeping each line's indentation. */
function hardWrap(text: string, width = 72): string {
  return text
    .split("\n")
    .map((line) => {
      if (line.length <= width) return line;
      const indent = /^\s*/.exec(line)![0];
      const out: string[] = [];
      let current = indent;
      for (const word of line.slice(indent.length).split(" ")) {
        if (current.trim() && current.length + 1 + word.length > width) {
          out.push(current);
          current = indent + word;
        } else current += (current.trim() ? " " : "") + word;
      }
      return [...out, current].join("\n");
    })
    .join("\n");
}

describe("splitSentences on hard-wrapped text", () => {
  const paragraph =
    hardWrap(
      "Japan has emerged as one of Ukraine’s most significant global supporters since the start of Russia’s full-scale invasion in February 2022. " +
        "According to the Kiel Institute, Japan is the third-largest provider of financial assistance. " +
        "Foreign Minister Hayashi summoned Russian Ambassador to Japan Mikhail Y. Galuzin on February 24, and conveyed strong condemnation of Russia’s aggression.",
    ) + "\n\nA second paragraph starts after a blank line and ends in a single line.";

  it("treats a line break inside a paragraph as a space, and a blank line as a break", () => {
    const flat = sentencesOf(paragraph).map((s) => s.replace(/\s+/g, " "));
    expect(flat).toEqual([
      "Japan has emerged as one of Ukraine’s most significant global supporters since the start of Russia’s full-scale invasion in February 2022.",
      "According to the Kiel Institute, Japan is the third-largest provider of financial assistance.",
      "Foreign Minister Hayashi summoned Russian Ambassador to Japan Mikhail Y. Galuzin on February 24, and conveyed strong condemnation of Russia’s aggression.",
      "A second paragraph starts after a blank line and ends in a single line.",
    ]);
  });

  it("keeps offsets exact with Windows line ends and indented continuation lines", () => {
    const crlf = paragraph.replace(/\n/g, "\r\n");
    expect(sentencesOf(crlf).map((s) => s.replace(/\s+/g, " "))).toEqual(sentencesOf(paragraph).map((s) => s.replace(/\s+/g, " ")));
    const item = "  1. Japan has provided over $10.7 billion in support to Ukraine, making\n     it the third-largest financial donor.\n  2. The agreement marks a shift.";
    expect(sentencesOf(item)).toEqual([
      "1. Japan has provided over $10.7 billion in support to Ukraine, making\n     it the third-largest financial donor.",
      "2. The agreement marks a shift.",
    ]);
  });

  it("joins a word broken at the line end into one sentence", () => {
    const text = "Tokyo welcomed the decision of the Ukrainian govern-\nment to accept the offer. It was signed.";
    expect(sentencesOf(text)).toEqual(["Tokyo welcomed the decision of the Ukrainian govern-\nment to accept the offer.", "It was signed."]);
  });

  it("gives the built-in corpus, wrapped at 72 columns, the sentences of the unwrapped corpus", async () => {
    const { documents } = await loadCorpus(corpusDir);
    let total = 0;
    let same = 0;
    for (const doc of documents) {
      const want = new Set(splitSentences(doc.docId, doc.text).map((s) => s.text));
      const wrapped = hardWrap(doc.text);
      expect(wrapped).not.toBe(doc.text);
      const got = sentencesOf(wrapped);
      total += want.size;
      same += got.filter((s) => want.has(s.replace(/\n\s*/g, " "))).length;
    }
    // What is left is ambiguous to a reader too: a title exactly as long as the wrap width,
    // followed by a paragraph with no blank line between them.
    expect(same / total).toBeGreaterThan(0.97);
  });
});

describe("splitSentences on layout", () => {
  it("makes headings their own units: plain, numbered, Markdown and underlined", () => {
    const text = [
      "1 Introduction",
      "",
      "The policy covers energy and demining.",
      "3.2 Scope",
      "It applies to grants and loans.",
      "Section 4.",
      "## Markdown heading",
      "Text under it.",
      "",
      "Getting started",
      "===============",
      "",
      "Install it first.",
      "",
      "Next steps",
      "----------",
      "Run it.",
    ].join("\n");
    expect(sentencesOf(text)).toEqual([
      "1 Introduction",
      "The policy covers energy and demining.",
      "3.2 Scope",
      "It applies to grants and loans.",
      "Section 4.",
      "## Markdown heading",
      "Text under it.",
      "Getting started",
      "Install it first.",
      "Next steps",
      "Run it.",
    ]);
    expect(headingsOf(text)).toEqual(["1 Introduction", "3.2 Scope", "Section 4.", "## Markdown heading", "Getting started", "Next steps"]);
  });

  it("does not glue a heading to the wrapped paragraph under it", () => {
    const body = "Japan allocated $62 million in military-related assistance, which may be\nmodest in scale but is symbolically important.";
    for (const heading of ["Security posture", "2.1 Security posture", "# Security posture"]) {
      expect(sentencesOf(`${heading}\n${body}`)).toEqual([heading, body]);
    }
  });

  it("starts a unit at every list item, and continues an item on its wrapped lines", () => {
    const text = [
      "Key measures:",
      "- freezing the assets of the central bank of Russia, which Japan did in",
      "  February 2022",
      "* banning exports",
      "(a) visas",
      "1. LNG",
      "i) coal",
      "• oil",
    ].join("\n");
    expect(sentencesOf(text)).toEqual([
      "Key measures:",
      "- freezing the assets of the central bank of Russia, which Japan did in\n  February 2022",
      "* banning exports",
      "(a) visas",
      "1. LNG",
      "i) coal",
      "• oil",
    ]);
    expect(headingsOf(text)).toEqual([]);
  });

  it("keeps table-of-contents lines and table rows whole, one unit each", () => {
    const text = "Contents\nIntroduction .......... 1\nScope . . . . . . . 4\nAnnex……12\n\n| year | aid |\n| 2022 | $1.5 billion |";
    expect(sentencesOf(text)).toEqual(["Contents", "Introduction .......... 1", "Scope . . . . . . . 4", "Annex……12", "| year | aid |", "| 2022 | $1.5 billion |"]);
    expect(headingsOf(text)).toEqual(["Contents"]);
  });

  it("keeps code lines apart from the prose around them, and fences out of every sentence", () => {
    const text = [
      "Install the package before you run it, as the manual says in its first",
      "chapter:",
      "",
      "    npm install cited-rag",
      "    npm start",
      "",
      "Then open the page.",
      "```",
      "const a = 1. Then b",
      "```",
      "Done.",
    ].join("\n");
    expect(sentencesOf(text)).toEqual([
      "Install the package before you run it, as the manual says in its first\nchapter:",
      "npm install cited-rag",
      "npm start",
      "Then open the page.",
      "const a = 1. Then b",
      "Done.",
    ]);
  });

  it("reads an indented first line as a paragraph's indentation, not code", () => {
    const text = "Intro.\n\n     Japan has provided over $10.7 billion in support to Ukraine, making\nit the third-largest donor.";
    expect(sentencesOf(text)).toEqual(["Intro.", "Japan has provided over $10.7 billion in support to Ukraine, making\nit the third-largest donor."]);
  });

  it("still ends a sentence at every line break of text with one paragraph a line", () => {
    const text = "We met Dr. Smith today. He agreed.\nY.\nNext line.\nA heading\nAnother paragraph that is much longer than the others, and ends with a period.";
    expect(sentencesOf(text)).toEqual([
      "We met Dr. Smith today.",
      "He agreed.",
      "Y.",
      "Next line.",
      "A heading",
      "Another paragraph that is much longer than the others, and ends with a period.",
    ]);
  });
});

describe("splitSentences over the built-in corpus (one paragraph a line)", () => {
  let documents: CorpusDocument[] = [];
  beforeAll(async () => {
    documents = (await loadCorpus(corpusDir)).documents;
  });

  it("never joins two lines, so its sentences are those of the line-by-line splitter", () => {
    // Counts of the splitter that ended a sentence at every line break (before soft wraps existed),
    // less the numbers it split off the CEIAS list items as sentences of their own ("1.", "2.", "3.").
    const before: Record<string, number> = {
      "ankasam-japan-policy-towards-russia": 34,
      "ceias-kyiv-tokyo-axis": 95 - 3,
      "diplomatic-bluebook-2023-japans-response": 115,
      "new-europe-center-japan-support-for-ukraine": 46,
      "tokyo-refuses-eu-russian-assets-plan": 26,
    };
    for (const doc of documents) {
      const spans: Span[] = splitSentences(doc.docId, doc.text);
      for (const s of spans) expect(s.text, doc.docId).not.toContain("\n");
      expect(spans.some((s) => /^\d+\.$/.test(s.text)), doc.docId).toBe(false);
      if (doc.docId in before) expect(spans.length, doc.docId).toBe(before[doc.docId]);
    }
  });

  it("finds the headings of the Diplomatic Bluebook, and not its list items or lead-ins", () => {
    const doc = documents.find((d) => d.docId === "diplomatic-bluebook-2023-japans-response")!;
    const headings = headingsOf(doc.text);
    expect(headings).toEqual(expect.arrayContaining(["(1) Change in Policy toward Russia and Sanctions against Russia", "A Financial Assistance", "E Support for Recovery"]));
    expect(headings.some((h) => h.includes("SWIFT"))).toBe(false);
  });
});

describe("textForModel", () => {
  it("reads line breaks inside a sentence as spaces and joins words broken at a line end", () => {
    expect(textForModel("the govern-\nment of\n  Japan\n\nNext")).toBe("the government of Japan\n\nNext");
    expect(textForModel("govern-\r\nment")).toBe("government");
  });

  it("keeps the hyphen when a capital or digit follows the break", () => {
    expect(textForModel("the Kyiv-\nTokyo axis, COVID-\n19, non-\nNATO")).toBe("the Kyiv-Tokyo axis, COVID-19, non-NATO");
  });

  it("leaves line breaks after a sentence's end, so text with one paragraph a line is read as stored", () => {
    const text = "It ended.\nNext paragraph, which is long.\n\n“Quoted.”\nMore (see above).  \nLast.";
    expect(textForModel(text)).toBe(text);
  });

  it("returns text without line breaks as it is", () => {
    const text = "Japan’s well-known support.";
    expect(textForModel(text)).toBe(text);
  });
});

describe("sentenceSegments: a long paragraph a window at a time", () => {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  const whole = (flat: string) => [...segmenter.segment(flat)].map((s) => [s.index, s.segment]);

  it("gives exactly ICU's segments of the whole string, whatever the window", () => {
    const tricky = Array.from(
      { length: 400 },
      (_, i) => `Mr. Smith met Dr. J. R. Doe at ${i}.5 p.m. on Jan. ${1 + (i % 28)} ("It's fine," he said.) ${i % 7 === 0 ? "Really?! " : ""}The U.S. agreed. `,
    ).join(" ");
    for (const window of [16, 64, 500, 4096]) expect([...sentenceSegments(tricky, window)].map((s) => [s.index, s.segment])).toEqual(whole(tricky));
    const oneLongSentence = "word ".repeat(5000) + "end. Next one.";
    expect([...sentenceSegments(oneLongSentence, 64)].map((s) => [s.index, s.segment])).toEqual(whole(oneLongSentence));
  });

  it("splits a paragraph of 40,000 sentences (1.3 MB), which ICU in one piece cannot", () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `Sentence ${i} is about the U.S. economy.`).join(" ");
    const spans = splitSentences("big", text);
    expect(spans).toHaveLength(40_000);
    expect(spans[39_999]!.text).toBe("Sentence 39999 is about the U.S. economy.");
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});
