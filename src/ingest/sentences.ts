import type { Span } from "../types.js";

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

// ICU ends a sentence after any period followed by a capital; these endings are
// abbreviations and initials ("Mikhail Y. Galuzin", "Dr. Smith"), not sentence ends.
const ABBREVIATION_END = /(?:^|[\s(])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|No|Nos|Gen|Lt|Col|Gov|Sen|Rep|Amb|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|vs|etc|approx|e\.g|i\.e)\.$/;

/**
 * Splits a document into sentences with exact offsets; whitespace between
 * sentences belongs to none of them. Line breaks always end a sentence.
 */
export function splitSentences(docId: string, text: string): Span[] {
  const spans: Span[] = [];
  for (const segment of segmenter.segment(text)) {
    let start = segment.index;
    let end = segment.index + segment.segment.length;
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (start === end) continue;
    const previous = spans[spans.length - 1];
    if (previous && ABBREVIATION_END.test(previous.text) && !text.slice(previous.end, start).includes("\n")) {
      previous.end = end;
      previous.text = text.slice(previous.start, end);
      continue;
    }
    spans.push({ docId, start, end, text: text.slice(start, end) });
  }
  return spans;
}
