import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aliasLookupFromJson, combineAliases, nameVariants, NO_ALIASES, readCorpusAliases } from "../../src/answer/aliases.js";
import { RagError } from "../../src/errors.js";

describe("nameVariants", () => {
  it.each([
    ["ukrainian", "ukraine"],
    ["ukraine", "ukrainian"],
    ["japanese", "japan"],
    ["japan", "japanese"],
    ["belgian", "belgium"],
    ["korea", "korean"],
    ["german", "germany"],
    ["canadian", "canada"],
    ["european", "europe"],
    ["israeli", "israel"],
  ])("relates %s to %s by its ending", (term, variant) => {
    expect(nameVariants(term)).toContain(variant);
  });

  it("keeps roots of four letters or more, and leaves distinct names apart", () => {
    expect(nameVariants("austrian")).not.toContain("australia");
    expect(nameVariants("indian")).not.toContain("indonesia");
    expect(nameVariants("indian")).not.toContain("ind");
    expect(nameVariants("iran")).toContain("iranian");
  });

  it("has nothing for figures or short words", () => {
    expect(nameVariants("2022")).toEqual([]);
    expect(nameVariants("g7")).toEqual([]);
    expect(nameVariants("act")).toEqual([]);
  });
});

describe("aliasLookupFromJson", () => {
  const aliases = aliasLookupFromJson({ groups: [["Ukraine", "Kyiv", "Kiev"], ["United States", "U.S.", "US", "Washington"]] });

  it("gives every other name of the group, as tokens", () => {
    expect(aliases("kyiv")).toEqual([["ukraine"], ["kiev"]]);
    expect(aliases("washington")).toEqual([["united", "states"], ["u.s"]]);
    expect(aliases("u.s")).toContainEqual(["united", "states"]);
    expect(aliases("sakhalin")).toEqual([]);
  });

  it("drops names made only of function words, which would match the pronoun 'us'", () => {
    expect(aliases("washington")).not.toContainEqual(["us"]);
    expect(aliases("us")).toEqual([]);
  });

  it("rejects a malformed file with corpus_invalid, naming the problem", () => {
    for (const bad of [null, [], { groups: {} }, { groups: [["Kyiv"]] }, { groups: [["Kyiv", 3]] }, { groups: [["Kyiv", "…"]] }]) {
      expect(() => aliasLookupFromJson(bad)).toThrow(RagError);
    }
    expect(() => aliasLookupFromJson({ groups: [["Kyiv"]] })).toThrow(/aliases\.json: groups\[0\]/);
  });

  it("combines with other lookups", () => {
    const more = aliasLookupFromJson({ groups: [["Kyiv", "Ukrainian capital"]] });
    expect(combineAliases(aliases, more)("kyiv")).toEqual([["ukraine"], ["kiev"], ["ukrainian", "capital"]]);
    expect(combineAliases(NO_ALIASES, aliases)).toBe(aliases);
  });
});

describe("readCorpusAliases", () => {
  it("reads <corpusDir>/aliases.json, and is empty without one", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "aliases-"));
    try {
      expect(await readCorpusAliases(dir)).toBe(NO_ALIASES);
      await writeFile(path.join(dir, "aliases.json"), JSON.stringify({ groups: [["Tokyo", "Japan"]] }));
      expect((await readCorpusAliases(dir))("tokyo")).toEqual([["japan"]]);
      await writeFile(path.join(dir, "aliases.json"), "{ groups: ");
      await expect(readCorpusAliases(dir)).rejects.toMatchObject({ code: "corpus_invalid", message: expect.stringMatching(/not valid JSON/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
