import { describe, expect, it } from "vitest";
import { documentContextOf, openingLine } from "../../src/answer/documentContext.js";
import type { CorpusDocument } from "../../src/types.js";

const doc = (text: string, title: string, sourceFile: string): CorpusDocument => ({
  docId: "d", title, author: null, publisher: null, date: null, sourceFile, text, locations: [],
});

describe("openingLine", () => {
  it("is the first line that can be a title, past markup labels, underlines and field lists", () => {
    expect(openingLine(".. _socket-howto:\n\n****************************\n  Socket Programming HOWTO\n****************************\n\n:Author: Gordon McMillan\n")).toBe(
      "Socket Programming HOWTO",
    );
    expect(openingLine("# Modules: CommonJS modules\n\n<!--introduced_in=v0.10.0-->\n")).toBe("Modules: CommonJS modules");
    expect(openingLine("REGULATION (EU) 2016/679 OF THE EUROPEAN PARLIAMENT\n\nof 27 April 2016\n")).toBe("REGULATION (EU) 2016/679 OF THE EUROPEAN PARLIAMENT");
  });

  it("is none when the file opens with a sentence", () => {
    expect(openingLine("Japan has rejected the request to join the plan.\nMore text.")).toBeUndefined();
  });
});

describe("documentContextOf", () => {
  it("grounds a plain-text file's name for itself by its opening line when the file states no title", () => {
    const context = documentContextOf(doc("****\n  Socket Programming HOWTO\n****\n\nSockets are used nearly everywhere.", "sockets", "sockets.txt"));
    expect(context.labelTokens.has("howto")).toBe(true);
    expect(context.labelTokens.has("programming")).toBe(true);
  });

  it("keeps a stated title, and does not take the opening line beside it", () => {
    const context = documentContextOf(doc("Nataliya Butyrska, Senior Fellow\nJapan supports Ukraine.", "Japan's support for Ukraine", "new-europe.txt"));
    expect(context.labelTokens.has("butyrska")).toBe(false);
    expect(context.labelTokens.has("ukraine")).toBe(true);
  });
});
