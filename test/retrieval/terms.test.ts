import { describe, expect, it } from "vitest";
import { casedWords, contentTerms, stem, tokenize } from "../../src/retrieval/terms.js";

describe("tokenize", () => {
  it("lowercases words and keeps numbers whole, with their digits and decimal point", () => {
    expect(tokenize("Japan pledged $30 billion, or 71.7% of €210 million.")).toEqual([
      "japan",
      "pledged",
      "30",
      "billion",
      "or",
      "71.7",
      "of",
      "210",
      "million",
    ]);
  });

  it("keeps thousands separators, hyphenated names and apostrophes inside a token", () => {
    expect(tokenize("1,000 tonnes from Sakhalin-2 and Japan’s LNG")).toEqual(["1,000", "tonnes", "from", "sakhalin-2", "and", "japan’s", "lng"]);
  });

  it("reads a word broken across lines as one word, and a hyphenated name as the name", () => {
    expect(tokenize("the govern-\nment of Japan")).toEqual(tokenize("the government of Japan"));
    expect(tokenize("the Kyiv-\r\n  Tokyo axis")).toEqual(["the", "kyiv-tokyo", "axis"]);
  });

  it("does not carry trailing punctuation into a token", () => {
    expect(tokenize("Ends here. Next, 2023.")).toEqual(["ends", "here", "next", "2023"]);
    expect(tokenize("  ...  ")).toEqual([]);
  });
});

describe("stem", () => {
  it.each([
    ["sanctions", "sanction"],
    ["provided", "provide"],
    ["countries", "country"],
    ["imposing", "imposes"],
    ["Japan’s".toLowerCase(), "japan"],
  ])("gives %j the same stem as %j", (a, b) => {
    expect(stem(a)).toBe(stem(b));
  });

  it("leaves numbers and short tokens alone", () => {
    expect(stem("71.7")).toBe("71.7");
    expect(stem("1990s")).toBe("1990s");
    expect(stem("gas")).toBe("gas");
    expect(stem("us")).toBe("us");
  });
});

describe("contentTerms", () => {
  it("drops stopwords and returns distinct stems in order of first use", () => {
    expect(contentTerms("What are the sanctions that Japan imposed on Russia, and which sanction came first?")).toEqual([
      "sanction",
      "japan",
      "impos",
      "russia",
      "cam",
      "first",
    ]);
  });

  it("keeps numbers as terms", () => {
    expect(contentTerms("According to the report, $30 and 71.7 and €210")).toEqual(["report", "30", "71.7", "210"]);
  });

  it("returns nothing for text made only of stopwords", () => {
    expect(contentTerms("What is it that they would have been doing?")).toEqual([]);
  });
});

describe("casedWords", () => {
  it("keeps case, currency signs and inner punctuation, and drops trailing punctuation and possessive 's", () => {
    expect(casedWords("Japan's aid, worth $30 billion (71.7%), went to Kyiv.")).toEqual(["Japan", "aid", "worth", "$30", "billion", "71.7", "%", "went", "to", "Kyiv"]);
    expect(casedWords("The U.S.'s sanctions on Sakhalin-2, agreed in 2022.")).toEqual(["The", "U.S.", "sanctions", "on", "Sakhalin-2", "agreed", "in", "2022"]);
  });

  it("reads letters beyond ASCII, curly apostrophes and the euro sign the same way", () => {
    expect(casedWords("Zelenskyy’s €210 million for Česká, Kyiv’s.")).toEqual(["Zelenskyy", "€210", "million", "for", "Česká", "Kyiv"]);
    // One non-ASCII character anywhere switches the whole text to the Unicode pattern; the words are the same.
    expect(casedWords("Japan's aid, worth $30 billion — Kyiv.")).toEqual(["Japan", "aid", "worth", "$30", "billion", "Kyiv"]);
  });

  it("reads a word broken across lines as one word", () => {
    expect(casedWords("The govern-\nment of Japan’s Kyiv-\nTokyo axis")).toEqual(["The", "government", "of", "Japan", "Kyiv-Tokyo", "axis"]);
  });

  it("returns nothing for text without words", () => {
    expect(casedWords(" -- ... ")).toEqual([]);
  });
});
