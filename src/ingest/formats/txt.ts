import type { ExtractedDocument } from "./extract.js";
import { invalidFile } from "./metadata.js";

// fatal: a wrong byte must stop ingestion, not become U+FFFD in text that citations quote.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes as UTF-8 text, BOM dropped (TextDecoder's default). */
export function decodeUtf8(bytes: Uint8Array, fileName: string): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw invalidFile(fileName, `is not valid UTF-8 text (it first fails at ${firstInvalidByte(bytes)}); save it as UTF-8`, cause);
  }
  // Valid UTF-8 never needs NUL; UTF-16 without a BOM and binary files are full of them.
  const nul = text.indexOf("\0");
  if (nul >= 0) throw invalidFile(fileName, `contains a NUL character at offset ${nul}: binary or UTF-16, not UTF-8 text`);
  return text;
}

/**
 * Where decoding first fails, for the message: the longest prefix that decodes
 * (a character cut at its end held back) found by bisection; the bad sequence
 * starts where that prefix's whole characters end.
 */
function firstInvalidByte(bytes: Uint8Array): string {
  const decoded = (end: number) => {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, end), { stream: true });
    } catch {
      return undefined;
    }
  };
  if (decoded(bytes.length) !== undefined) return `the end, where a character is cut short`;
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (decoded(mid) === undefined) hi = mid;
    else lo = mid;
  }
  return `byte ${Buffer.byteLength(decoded(lo)!, "utf8")}`;
}

export function extractText(bytes: Uint8Array, fileName: string): ExtractedDocument {
  return { text: decodeUtf8(bytes, fileName), metadata: {}, locations: [] };
}
