import type { Span } from "../types.js";
import { textBlocks } from "./sentences.js";

export interface ChunkingOptions {
  /** Longest chunk in characters; only a single over-long sentence is cut inside. */
  maxChars: number;
  /** Most characters a chunk shares with the one before it, in whole sentences. */
  overlapChars: number;
}

// A chunk this full (of maxChars) ends before a heading instead of running into
// the next section; one with less, such as a title and a byline, runs on.
const SECTION_BREAK = 0.7;

/**
 * Packs consecutive sentences into chunks of at most `maxChars`, repeating the
 * trailing sentences of each chunk (up to `overlapChars`) at the head of the
 * next so an answer that straddles a boundary is whole in one of them. Chunks
 * follow sections: a heading starts the chunk of the text under it, and that
 * chunk repeats nothing from the section before.
 * Offsets are exact: `text.slice(chunk.start, chunk.end) === chunk.text`.
 */
export function chunkSentences(text: string, sentences: Span[], options: ChunkingOptions): Span[] {
  const { maxChars, overlapChars } = options;
  const inHeading = headingSentences(text, sentences);
  const units: Span[] = [];
  const heading: boolean[] = [];
  sentences.forEach((s, i) => {
    for (const unit of s.end - s.start > maxChars ? splitLongSpan(text, s, maxChars) : [s]) {
      units.push(unit);
      heading.push(inHeading[i]!);
    }
  });
  const opensSection = (i: number) => heading[i]! && !heading[i - 1];
  const chunks: Span[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    while (
      last + 1 < units.length &&
      units[last + 1]!.end - units[first]!.start <= maxChars &&
      !(opensSection(last + 1) && units[last]!.end - units[first]!.start >= SECTION_BREAK * maxChars)
    ) {
      last++;
    }
    // Headings the chunk would end with go to the next chunk, with their text.
    let body = last;
    while (body > first && heading[body]) body--;
    if (!heading[body] && last + 1 < units.length) last = body;
    const start = units[first]!.start;
    const end = units[last]!.end;
    chunks.push({ docId: units[first]!.docId, start, end, text: text.slice(start, end) });
    if (last === units.length - 1) break;
    // Step back over trailing sentences while they fit the overlap bound and still
    // leave room for the next new sentence, so every chunk adds something new;
    // never back past the heading of the section the next chunk is in.
    let next = last + 1;
    const nextEnd = units[last + 1]!.end;
    while (
      next - 1 > first &&
      !opensSection(next) &&
      units[last]!.end - units[next - 1]!.start <= overlapChars &&
      nextEnd - units[next - 1]!.start <= maxChars
    ) {
      next--;
    }
    first = next;
  }
  return chunks;
}

/** For each sentence, whether it lies in a heading of the text. */
function headingSentences(text: string, sentences: readonly Span[]): boolean[] {
  const headings = textBlocks(text).filter((b) => b.kind === "heading");
  let h = 0;
  return sentences.map((s) => {
    while (h < headings.length && headings[h]!.end < s.end) h++;
    return h < headings.length && headings[h]!.start <= s.start;
  });
}

/** Cuts one over-long span at whitespace into pieces of at most `maxChars`. */
function splitLongSpan(text: string, span: Span, maxChars: number): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  while (start < span.end) {
    let end = Math.min(start + maxChars, span.end);
    if (end < span.end) {
      const cut = text.lastIndexOf(" ", end);
      if (cut > start) end = cut;
    }
    let trimmedEnd = end;
    while (trimmedEnd > start && /\s/.test(text[trimmedEnd - 1]!)) trimmedEnd--;
    pieces.push({ docId: span.docId, start, end: trimmedEnd, text: text.slice(start, trimmedEnd) });
    start = end;
    while (start < span.end && /\s/.test(text[start]!)) start++;
  }
  return pieces;
}
