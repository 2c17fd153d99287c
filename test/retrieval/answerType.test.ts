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

  // Read from grammar, whatever the domain: "which/what <noun>" asks for a name unless the noun asks for a description.
  it.each([
    ["Which section of the Act governs termination?", "name"],
    ["Under which article may a member state derogate?", "name"],
    ["Who may terminate the tenancy?", "name"],
    ["Where must the notice be served?", "name"],
    ["Which court hears appeals from the tribunal?", "name"],
    ["What body did the regulator set up in 2019?", "name"],
    ["Which function returns the root logger?", "name"],
    ["What exception does the parser raise on bad input?", "name"],
    ["Which module should be imported first?", "name"],
    ["What is the default timeout?", null],
    ["What is the default number of retries?", "quantity"],
    ["What is the maximum penalty for a breach?", null],
    ["What kinds of remedies are available to the buyer?", null],
    ["What reason did the court give for refusing costs?", null],
    ["In what way does the new rule differ?", null],
    ["What happens if the tenant does not pay the rent?", null],
    ["What does the handler do with the record?", null],
    ["How many days' notice must the landlord give?", "quantity"],
    ["By when must the return be filed?", "date"],
    ["In which year did the Act come into force?", "date"],
    ["What did the judge say about the costs order?", "statement"],
    ["What has the committee recommended?", "statement"],
    ["What did the court hold?", null],
    ["What did the parties agree to exchange?", null],
    ["What stakes does the fund hold?", "name"],
  ])("%s → %s", (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });

  it("goes by the interrogative that opens the question, not a clause after it", () => {
    expect(expectedAnswerType("Which diplomat did the minister summon when the war began?")).toBe("name");
    expect(expectedAnswerType("After the vote, how much did the fund pay out?")).toBe("quantity");
    expect(expectedAnswerType("Under the contract, when does the warranty expire?")).toBe("date");
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

  it("takes verbs with other senses, and third-person forms, as reported speech only before a clause or a quotation", () => {
    const supplies = suppliesAnswerTo("What did the judge say about the clause?");
    expect(supplies("The court held that the clause was void.")).toBe(true);
    expect(supplies("The Act states: no person may sell the land.")).toBe(true);
    expect(supplies("The judge ruled in favour of the tenant.")).toBe(true);
    expect(supplies("The hearing was held in London.")).toBe(false);
    expect(supplies("Member states agreed on the text.")).toBe(false);
    expect(supplies("The lease requires written consent.")).toBe(false);
    expect(supplies("He declares his support in a video.")).toBe(false);
    expect(supplies("The delegation set out for Kyiv.")).toBe(false);
    expect(supplies("The report set out that reform must come first.")).toBe(true);
  });

  it("counts section numbers and code identifiers as names, years not", () => {
    expect(suppliesAnswerTo("Which section sets the notice period?")("Notice is governed by section 21.")).toBe(true);
    expect(suppliesAnswerTo("Which section sets the notice period?")("Notice has been governed by statute since 1988.")).toBe(false);
    const supplies = suppliesAnswerTo("Which function creates a logger?");
    expect(supplies("Loggers are created with getLogger and never directly.")).toBe(true);
    expect(supplies("Loggers are never created directly.")).toBe(false);
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
