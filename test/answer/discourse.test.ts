import { describe, expect, it } from "vitest";
import { announces, antecedentOf, endsStatement, sentenceUnit, startsWithAnaphor } from "../../src/answer/discourse.js";
import { splitSentences } from "../../src/ingest/sentences.js";

const textsOf = (text: string, ids: number[]) => {
  const sentences = splitSentences("d", text);
  return ids.map((id) => sentences[id]!.text);
};
const unitOf = (text: string, opening: string) => {
  const sentences = splitSentences("d", text);
  const id = sentences.findIndex((s) => s.text.startsWith(opening));
  return textsOf(text, sentenceUnit(sentences, id));
};

describe("startsWithAnaphor", () => {
  it("takes pronouns and demonstratives as leaning on the sentence before, not connectives or a dummy 'it'", () => {
    expect(startsWithAnaphor("This tells the server it is done sending.")).toBe(true);
    expect(startsWithAnaphor("Such a request shall be made in writing.")).toBe(true);
    expect(startsWithAnaphor("It was announced on February 14.")).toBe(true);
    expect(startsWithAnaphor("Moreover, according to the Journal, the plan stalled.")).toBe(false);
    expect(startsWithAnaphor("It is common to encounter comparison functions.")).toBe(false);
    expect(startsWithAnaphor("It is strongly advised that you do not add handlers.")).toBe(false);
    expect(startsWithAnaphor("Items are sorted.")).toBe(false);
  });
});

describe("announces", () => {
  it("is a clause left open by its colon, or one that promises what follows", () => {
    expect(announces("If there is no date format string, the default date format is:")).toBe(true);
    expect(announces("The following acts are prohibited:")).toBe(true);
    expect(announces("The notice shall contain the names of:")).toBe(true);
  });

  it("is not a complete clause that a list only elaborates, a literal block marker or a label", () => {
    expect(announces("This idiom is called Decorate-Sort-Undecorate after its three steps:")).toBe(false);
    expect(announces("Let's fix that bug::")).toBe(false);
    expect(announces("Key takeaways:")).toBe(false);
  });
});

describe("endsStatement", () => {
  it("ends a sentence, or an item of a list closed by a semicolon or comma", () => {
    expect(endsStatement("The notice is void.")).toBe(true);
    expect(endsStatement("(a) the name and address of the controller;")).toBe(true);
    expect(endsStatement("(4) ‘profiling’ means any form of automated processing; and")).toBe(true);
    expect(endsStatement("Right to erasure")).toBe(false);
    expect(endsStatement("the purposes of the processing;")).toBe(false);
  });
});

describe("sentenceUnit", () => {
  it("brings the sentence an anaphoric one refers back to", () => {
    const text = "The client sends a request and then does a shutdown(1). This tells the server it is done sending. The server replies.";
    expect(unitOf(text, "This tells")).toEqual(["The client sends a request and then does a shutdown(1).", "This tells the server it is done sending."]);
    expect(unitOf(text, "The server replies")).toEqual(["The server replies."]);
  });

  it("does not take a heading for what 'This' refers to", () => {
    expect(unitOf("Shutting down\nThis tells the server it is done.", "This tells")).toEqual(["This tells the server it is done."]);
  });

  it("completes an announcement with what it announces, past directive lines, up to the end of the sentence", () => {
    const text =
      "If there is no date format string, the default date format is:\n\n.. code-block:: none\n\n    %Y-%m-%d %H:%M:%S\n\nwith the milliseconds tacked on at the end. The style is one of three.";
    expect(unitOf(text, "If there is")).toEqual([
      "If there is no date format string, the default date format is:",
      "%Y-%m-%d %H:%M:%S",
      "with the milliseconds tacked on at the end.",
    ]);
    // The fragment after the display leans on the display before it.
    expect(unitOf(text, "with the")).toEqual(["%Y-%m-%d %H:%M:%S", "with the milliseconds tacked on at the end."]);
  });

  it("quotes a list's lead-in with its first item, and the item alone otherwise", () => {
    const text = "2. The notice shall contain:\n\n(a) the name of the controller;\n\n(b) the purposes of the processing.\n";
    expect(unitOf(text, "2. The notice")).toEqual(["2. The notice shall contain:", "(a) the name of the controller;"]);
    expect(unitOf(text, "(a)")).toEqual(["2. The notice shall contain:", "(a) the name of the controller;"]);
    expect(unitOf(text, "(b)")).toEqual(["(b) the purposes of the processing."]);
  });

  it("joins a sentence cut short to the part that does not start anew", () => {
    const sentences = [
      { docId: "d", start: 0, end: 60, text: "Node.js will try the added extensions: `.js`, `.json`, and finally" },
      { docId: "d", start: 61, end: 69, text: "`.node`." },
      { docId: "d", start: 70, end: 90, text: "Other files are text." },
    ];
    expect(sentenceUnit(sentences, 0)).toEqual([0, 1]);
    expect(sentenceUnit(sentences, 2)).toEqual([2]);
    expect(antecedentOf(sentences, 2)).toBeUndefined();
  });
});
