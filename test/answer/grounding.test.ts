import { describe, expect, it } from "vitest";
import { aliasLookupFromJson } from "../../src/answer/aliases.js";
import { distinctiveTerms, initialismAliases, missingTerms, sectionHeading } from "../../src/answer/grounding.js";
import { splitSentences } from "../../src/ingest/sentences.js";
import { evidenceTokens } from "../../src/retrieval/terms.js";

/** What a passage of this text mentions, as `extractAnswer` asks it. */
const mentionsOf = (text: string) => {
  const tokens = evidenceTokens(text);
  return (token: string) => tokens.has(token);
};
const missing = (question: string, passage: string, aliases = initialismAliases(question)) =>
  missingTerms(distinctiveTerms(question), mentionsOf(passage), aliases);

describe("missingTerms", () => {
  it("finds a demonym by its country and a country by its demonym", () => {
    expect(missing("How much did the Ukrainian government receive?", "Japan gave Ukraine $1 billion.")).toEqual([]);
    expect(missing("What did Japan give Ukraine?", "The Japanese side sent Ukrainian forces vehicles.")).toEqual([]);
    expect(missing("How much aid did Belgian banks hold?", "Euroclear in Belgium holds the assets.")).toEqual([]);
  });

  it("still misses what the passage never names", () => {
    expect(missing("How much financial aid has South Korea given Ukraine?", "North Korea sent troops to Russia; Ukraine asked for aid.")).toEqual([
      "south",
    ]);
    expect(missing("How much has Austria given?", "Australia gave aid.")).toEqual(["austria"]);
  });

  it("uses the corpus's aliases, as whole phrases, and those of a demonym's country", () => {
    const aliases = aliasLookupFromJson({ groups: [["Ukraine", "Kyiv"], ["United States", "America", "Washington"]] });
    expect(missingTerms(["kyiv"], mentionsOf("Ukraine asked for loans."), aliases)).toEqual([]);
    expect(missingTerms(["washington"], mentionsOf("The United States agreed."), aliases)).toEqual([]);
    expect(missingTerms(["washington"], mentionsOf("Member states agreed."), aliases)).toEqual(["washington"]);
    // "American" → "America" (its ending) → "United States" (the corpus's group).
    expect(missingTerms(["american"], mentionsOf("The United States supports Japan."), aliases)).toEqual([]);
  });
});

describe("initialismAliases", () => {
  it("grounds a name the question spells out by the initialism the passage uses", () => {
    expect(missing("How much has the Japan International Cooperation Agency provided?", "JICA has provided $1.5 billion.")).toEqual([]);
    expect(missing("What did the Ministry of Foreign Affairs announce?", "The MOFA announced sanctions.")).toEqual([]);
    expect(missing("What did the Ministry of Foreign Affairs announce?", "The MFA announced sanctions.")).toEqual([]);
    expect(missing("Where do Self-Defense Forces planes fly?", "SDF planes fly to Poland.")).toEqual([]);
    expect(missing("Who must notify the Financial Conduct Authority?", "A firm must notify the FCA.")).toEqual([]);
  });

  it("allows two letters only for a whole name, and never a function word", () => {
    expect(missing("What did the European Union decide?", "The EU decided to act.")).toEqual([]);
    expect(initialismAliases("Was it sent to the United States Army?")("united")).not.toContainEqual(["us"]);
    expect(initialismAliases("Was it sent to the United States Army?")("united")).toContainEqual(["usa"]);
  });

  it("leaves the opening word and lowercase words out", () => {
    expect(initialismAliases("Which banks froze assets?")("which")).toEqual([]);
    expect(missing("How much did the Kiel Institute count?", "The KI counted.")).toEqual([]);
    expect(missing("How much did Kiel count?", "The KI counted.")).toEqual(["kiel"]);
  });
});

describe("sectionHeading", () => {
  const text =
    "Article 16\nRight to rectification\n\nThe data subject shall have the right to rectification.\n\n" +
    "Article 17\nRight to erasure\n\n1. The data subject shall have the right to erasure.\n\n2. The controller shall erase the data.\n\n" +
    "Section 3.1 applies to all of them.";
  const sentences = splitSentences("d", text);
  const at = (opening: string) => sentences.findIndex((s) => s.text.startsWith(opening));

  it("is the numbered heading a sentence sits under, with its title line", () => {
    expect(sectionHeading(sentences, at("2. The controller"))).toBe("Article 17 Right to erasure");
    expect(sectionHeading(sentences, at("The data subject shall have the right to rectification"))).toBe("Article 16 Right to rectification");
  });

  it("does not take a sentence that only opens with a section's name for a heading", () => {
    expect(sectionHeading(sentences, at("Section 3.1"))).toBe("Article 17 Right to erasure");
  });

  it("is none before the first heading", () => {
    expect(sectionHeading(splitSentences("d", "Preamble text.\n\nArticle 1\nScope"), 0)).toBeUndefined();
  });
});
