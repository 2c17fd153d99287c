import { describe, expect, it } from "vitest";
import { collectCommonWords } from "../../src/retrieval/commonWords.js";
import { factStems } from "../../src/retrieval/answerType.js";
import { casedWords } from "../../src/retrieval/terms.js";

describe("collectCommonWords", () => {
  it("collects the words a corpus writes in lowercase, not names", async () => {
    const words = await collectCommonWords(["The minister met Kishida.", "Prime Minister Kishida and the government of Japan."]);
    expect(words.has("minister")).toBe(true);
    expect(words.has("government")).toBe(true);
    expect(words.has("kishida")).toBe(false);
    expect(words.has("japan")).toBe(false);
  });

  it("finds words across the slices a long text is scanned in", async () => {
    const long = `${"x ".repeat(700_000)}treaty ${"y ".repeat(700_000)}`;
    expect((await collectCommonWords([long])).has("treaty")).toBe(true);
  });
});

describe("names told from title words", () => {
  it("leaves out capitalised words the corpus also writes in lowercase", async () => {
    const common = await collectCommonWords(["the government signed an accord on support and cooperation"]);
    const words = casedWords("On 13 June, Ukraine and Japan signed the Accord on Support and Cooperation with the Government of Japan.");
    const names = factStems("name", words, common);
    expect(names).toEqual(expect.arrayContaining(["ukrain", "japan"]));
    for (const title of ["accord", "support", "cooperation", "government"]) expect(names).not.toContain(title);
    expect(factStems("name", words)).toEqual(expect.arrayContaining(["accord", "government"]));
  });
});
