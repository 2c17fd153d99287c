import { describe, expect, it } from "vitest";
import { expectedAnswerType, suppliesAnswerTo } from "../../src/retrieval/answerType.js";

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
