import { describe, expect, it } from "vitest";
import { RagError } from "../src/errors.js";
import { parseAskRequest, parseSearchRequest } from "../src/request.js";

const limits = { defaultK: 5, maxK: 50, maxQueryChars: 2000 };

function rejection(fn: () => unknown): RagError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).code).toBe("invalid_request");
    expect((error as RagError).status).toBe(400);
    return error as RagError;
  }
  return expect.fail("expected the request to be rejected");
}

describe("parseSearchRequest and parseAskRequest", () => {
  it("accept a valid body, trimming the text and defaulting k", () => {
    expect(parseSearchRequest({ query: "  sanctions on Russia \n" }, limits)).toEqual({ query: "sanctions on Russia", k: 5 });
    expect(parseAskRequest({ question: "What did Japan pledge?" }, limits)).toEqual({ question: "What did Japan pledge?", k: 5 });
  });

  it("accept an explicit k at both ends of the range, and null as no k", () => {
    expect(parseSearchRequest({ query: "q", k: 1 }, limits).k).toBe(1);
    expect(parseAskRequest({ question: "q", k: 50 }, limits).k).toBe(50);
    expect(parseSearchRequest({ query: "q", k: null }, limits).k).toBe(5);
  });

  it("accept text of exactly the length limit", () => {
    const query = "a".repeat(2000);
    expect(parseSearchRequest({ query }, limits).query).toBe(query);
  });

  it("read each endpoint's own field", () => {
    expect(rejection(() => parseSearchRequest({ question: "q" }, limits)).message).toContain('"query"');
    expect(rejection(() => parseAskRequest({ query: "q" }, limits)).message).toContain('"question"');
  });

  it.each([
    ["null", null],
    ["an array", [{ query: "q" }]],
    ["a string", '{"query":"q"}'],
    ["a number", 42],
    ["undefined", undefined],
  ])("reject %s as the body", (_label, body) => {
    expect(rejection(() => parseSearchRequest(body, limits)).message).toMatch(/must be a JSON object/);
    expect(rejection(() => parseAskRequest(body, limits)).message).toMatch(/must be a JSON object/);
  });

  it("reject a missing field, saying which", () => {
    expect(rejection(() => parseSearchRequest({}, limits)).message).toBe('The field "query" is required.');
    expect(rejection(() => parseAskRequest({ question: null }, limits)).message).toBe('The field "question" is required.');
  });

  it.each([
    ["a number", 7, /must be a string, not number 7/],
    ["an array", ["q"], /must be a string, not an array/],
    ["an object", { text: "q" }, /must be a string, not an object/],
    ["a boolean", true, /must be a string, not boolean true/],
  ])("reject %s as the text", (_label, value, message) => {
    expect(rejection(() => parseSearchRequest({ query: value }, limits)).message).toMatch(message);
    expect(rejection(() => parseAskRequest({ question: value }, limits)).message).toMatch(message);
  });

  it.each([[""], ["   "], ["\n\t "]])("reject empty or whitespace-only text %j", (value) => {
    expect(rejection(() => parseSearchRequest({ query: value }, limits)).message).toBe('The field "query" must not be empty.');
    expect(rejection(() => parseAskRequest({ question: value }, limits)).message).toBe('The field "question" must not be empty.');
  });

  it("reject text over the length limit, stating length and limit", () => {
    const message = rejection(() => parseAskRequest({ question: "a".repeat(2001) }, limits)).message;
    expect(message).toContain('"question"');
    expect(message).toContain("2001");
    expect(message).toContain("2000");
  });

  it.each([
    ["0", 0, "number 0"],
    ["51", 51, "number 51"],
    ["2.5", 2.5, "number 2.5"],
    ["-1", -1, "number -1"],
    ["NaN", Number.NaN, "number NaN"],
    ['"5"', "5", '"5"'],
    ["true", true, "boolean true"],
    ["[5]", [5], "an array"],
  ])("reject k = %s, stating the allowed range", (_label, k, shown) => {
    for (const parse of [() => parseSearchRequest({ query: "q", k }, limits), () => parseAskRequest({ question: "q", k }, limits)]) {
      const message = rejection(parse).message;
      expect(message).toContain('The field "k" must be an integer from 1 to 50');
      expect(message).toContain(`not ${shown}`);
    }
  });

  it("shorten a long non-string value in the message", () => {
    const message = rejection(() => parseSearchRequest({ query: "q", k: "x".repeat(100) }, limits)).message;
    expect(message).toContain(`"${"x".repeat(40)}…"`);
    expect(message).not.toContain("x".repeat(41));
  });
});
