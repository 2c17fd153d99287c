import { readFile } from "node:fs/promises";
import path from "node:path";
import { BUILD_FILES } from "./buildFiles.js";
import { storedArrayOf } from "./storedArrays.js";
import type { SpanRef } from "./indexParts.js";

/**
 * Spans as a build stores them: the ids of the documents they lie in, listed
 * once, and one `[document number, start, end]` triple of int32 per span.
 * Parsing 222k spans as JSON objects held the event loop for 170 ms; these
 * are read as they are.
 */
export interface EncodedSpans {
  docIds: string[];
  triples: Int32Array;
}

export function encodeSpans(spans: readonly SpanRef[], docIds: readonly string[]): Int32Array {
  const numbers = new Map(docIds.map((id, n) => [id, n]));
  const triples = new Int32Array(spans.length * 3);
  spans.forEach((span, i) => {
    const n = numbers.get(span.docId);
    if (n === undefined) throw new Error(`span of unknown document ${span.docId}`);
    triples.set([n, span.start, span.end], i * 3);
  });
  return triples;
}

/** What is wrong with the triples, or undefined: a whole number of triples, each naming a listed document, its start before its end. */
export function spansProblem({ docIds, triples }: EncodedSpans): string | undefined {
  if (triples.length % 3 !== 0) return "cut short";
  for (let i = 0; i < triples.length; i += 3) {
    if (!(triples[i]! >= 0 && triples[i]! < docIds.length && triples[i + 1]! >= 0 && triples[i + 1]! < triples[i + 2]!)) {
      return `span ${i / 3} is not a span of a listed document`;
    }
  }
  return undefined;
}

export function decodeSpan({ docIds, triples }: EncodedSpans, i: number): SpanRef {
  return { docId: docIds[triples[i * 3]!]!, start: triples[i * 3 + 1]!, end: triples[i * 3 + 2]! };
}

export const spanCount = ({ triples }: EncodedSpans): number => Math.floor(triples.length / 3);

/**
 * The chunk and sentence spans of the build in `dir`, as stored. A missing
 * file rejects with the file system's error; one that is not what it should
 * be, with a `SyntaxError` naming it.
 */
export async function readSpanFiles(dir: string): Promise<{ chunks: EncodedSpans; sentences: EncodedSpans }> {
  const docIds = JSON.parse(await readFile(path.join(dir, BUILD_FILES.spanDocuments), "utf8")) as unknown;
  if (!Array.isArray(docIds) || !docIds.every((id) => typeof id === "string")) throw new SyntaxError(`${BUILD_FILES.spanDocuments} is not a list of document ids`);
  const triples = async (file: string) => {
    const array = storedArrayOf(await readFile(path.join(dir, file)), Int32Array);
    if (!array || array.length % 3 !== 0) throw new SyntaxError(`${file} is cut short`);
    return array;
  };
  return { chunks: { docIds, triples: await triples(BUILD_FILES.chunks) }, sentences: { docIds, triples: await triples(BUILD_FILES.sentences) } };
}
