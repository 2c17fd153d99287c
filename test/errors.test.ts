import { describe, expect, it } from "vitest";
import { ERROR_STATUS, RagError, toErrorBody, type ErrorCode } from "../src/errors.js";

describe("toErrorBody", () => {
  it.each(Object.entries(ERROR_STATUS) as [ErrorCode, number][])("reports RagError %s with status %i", (code, status) => {
    const error = new RagError(code, `Something about ${code}.`);
    expect(error.status).toBe(status);
    expect(toErrorBody(error)).toEqual({ status, body: { error: { code, message: `Something about ${code}.` } } });
  });

  it("maps the client errors to 4xx and the rest to 5xx", () => {
    expect(toErrorBody(new RagError("invalid_request", "bad")).status).toBe(400);
    expect(toErrorBody(new RagError("not_found", "gone")).status).toBe(404);
    expect(toErrorBody(new RagError("not_ready", "wait")).status).toBe(503);
    expect(toErrorBody(new RagError("index_incompatible", "rebuild")).status).toBe(500);
  });

  it("keeps exactly the contract shape, without cause or stack", () => {
    const { body } = toErrorBody(new RagError("corpus_invalid", "broken manifest", { cause: new Error("ENOENT /secret/path") }));
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
    expect(JSON.stringify(body)).not.toContain("/secret/path");
  });

  it("reports an unknown Error as 500 internal_error without its message or stack", () => {
    const error = new Error("connection string postgres://user:hunter2@db");
    const { status, body } = toErrorBody(error);
    expect(status).toBe(500);
    expect(body.error.code).toBe("internal_error");
    const serialized = JSON.stringify(body);
    expect(serialized).not.toContain("hunter2");
    expect(serialized).not.toContain(error.stack!.split("\n")[1]!.trim());
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it.each([["a string", "oops"], ["null", null], ["an object", { code: "invalid_request", message: "fake" }]])(
    "reports %s thrown as 500 internal_error",
    (_label, thrown) => {
      const { status, body } = toErrorBody(thrown);
      expect(status).toBe(500);
      expect(body.error.code).toBe("internal_error");
      expect(body.error.message).not.toContain("fake");
    },
  );
});
