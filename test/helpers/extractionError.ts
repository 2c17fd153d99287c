import { expect } from "vitest";
import { RagError } from "../../src/errors.js";
import { extractDocument } from "../../src/ingest/formats/extract.js";

/** The `corpus_invalid` error extracting the file gives, checked to name the file first. */
export async function extractionError(bytes: Uint8Array, fileName: string): Promise<RagError> {
  const error = await extractDocument(bytes, fileName).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RagError);
  expect((error as RagError).code).toBe("corpus_invalid");
  expect((error as RagError).message.startsWith(`${fileName}: `)).toBe(true);
  return error as RagError;
}
