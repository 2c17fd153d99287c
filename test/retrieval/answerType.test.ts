import { describe, expect, it } from "vitest";
import { expectedAnswerType, factStems, suppliesAnswerTo } from "../../src/retrieval/answerType.js";
import { casedWords } from "../../src/retrieval/terms.js";

describe("expectedAnswerType", () => {
  it.each([
    ["How much aid has Japan given?", "quantity"],
    ["When did Japan freeze the assets?", "date"],
    ["Which two countries declined the plan?", "name"],
    ["Who is the finance minister?", "name"],
    ["What did the US ambassador say about the islands?", "statement"],
    ["What principles did Kishida set out at the conference?", "statement"],
    ["Why did Japan keep its stake in Sakhalin-2?", null],
  ])("%s → %s", (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });
});

describe("suppliesAnswerTo", () => {
  it("wants a figure the question does not already give", () => {
    const supplies = suppliesAnswerTo("How much did Japan lend in 2025?");
    expect(supplies("Japan lent $3 billion.")).toBe(true);
    expect(supplies("Japan lent money in 2025.")).toBe(false);
  });

  it("wants reported speech for what someone said, and is not fooled by 'United States'", () => {
    const supplies = suppliesAnswerTo("What did the ambassador say about the islands?");
    expect(supplies("“The islands are Japanese,” said the ambassador.")).toBe(true);
    expect(supplies("He stated that recovery must be Ukrainian-owned.")).toBe(true);
    expect(supplies("The United States supports Japan on the dispute.")).toBe(false);
  });
});

describe("factStems", () => {
  const words = casedWords("In March 2022 Japan froze $3 billion of assets held by three Russian banks in the 2010s.");

  it("finds figures (a decade too) but not years, and number words, as stems", () => {
    expect(factStems("quantity", words)).toEqual(["$3", "billion", "thre", "2010s"]);
  });

  it("finds months, years and decades", () => {
    expect(factStems("date", words)).toEqual(["march", "2022", "2010s"]);
  });

  it("finds capitalised words after the first, as stems", () => {
    expect(factStems("name", words)).toEqual(["march", "japan", "russian"]);
  });

  it("gives one shared empty list when a sentence has none", () => {
    expect(factStems("quantity", casedWords("Japan acted."))).toBe(factStems("date", casedWords("It did.")));
  });

  it("is what suppliesAnswerTo tests against the question's own words", () => {
    const supplies = suppliesAnswerTo("Which bank did Japan sanction in March?");
    const sentence = "In March Japan sanctioned Sberbank.";
    let asked: string | undefined;
    expect(supplies(sentence, (type) => ((asked = type), factStems(type, casedWords(sentence))))).toBe(true);
    expect(asked).toBe("name");
    expect(supplies("In March Japan acted.")).toBe(false);
  });
});
