import type { Span } from "../types.js";

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

// ICU ends a sentence after any period followed by a capital; these endings are
// abbreviations and initials ("Mikhail Y. Galuzin", "Dr. Smith"), not sentence ends.
const ABBREVIATION_END = /(?:^|[\s(])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|No|Nos|Gen|Lt|Col|Gov|Sen|Rep|Amb|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|vs|etc|approx|e\.g|i\.e)\.$/;
// Nor does it after the number of a list item or section ("1. Japan has provided…").
const MARKER_ONLY = /^\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxlc]{1,5}|[IVXLC]{1,5})[.)]$/;

/**
 * A unit of a document's layout: a paragraph or list item (soft wraps inside),
 * a heading, or a line kept whole (code, a table-of-contents entry).
 */
export interface TextBlock {
  start: number;
  end: number;
  kind: "paragraph" | "heading" | "line";
}

// "row": a table-of-contents entry or a table row, kept whole like a code line.
type LineKind = "blank" | "prose" | "heading" | "code" | "row" | "decoration" | "fence";

interface Line {
  start: number;
  /** End of the content: trailing whitespace and "\r" excluded. */
  end: number;
  kind: LineKind;
  /** Starts with a list or section marker; "ambiguous" ones ("2. ", "- ", "Y. ") may also be a wrapped sentence's next word. */
  marker: "" | "sure" | "ambiguous";
}

const FENCE = /^ {0,3}(?:`{3,}|~{3,})/;
// Underlines of setext/reStructuredText headings, and rules ("* * *", "-----").
const DECORATION = /^\s*([-=~^*#+_"'`:.·•])(?:\s*\1){2,}\s*$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:\s|$)/;
// Dot (or other) leaders before a page number: a table-of-contents line.
const CONTENTS = /(?:(?:[.·_] ?){4,}|…{2,}) *(?:\d{1,4}|[ivxlc]{1,6})$/i;
const TABLE_ROW = /^\s*\|.*\|$/;
const BULLET = /^\s*(?:[-–*+•◦▪‣●○■□]\s|[•・◦▪●]\S)/;
const SURE_MARKER = /^\s*(?:[*+•◦▪‣●○■□]\s|[•・◦▪●]\S|\(?(?:\d{1,3}|[a-zA-Z]|[ivxlc]{1,5}|[IVXLC]{1,5})\)\s)/;
// Things a wrapped sentence can also put at a line's start: a number, an initial, a dash.
const AMBIGUOUS_MARKER =
  /^\s*(?:[-–]\s|\d{1,3}(?:\.\d{1,3})*(?:\.\s|\s+[\p{Lu}(“"])|(?:[a-zA-Z]|[ivxlc]{1,5}|[IVXLC]{1,5})\.\s|(?:Section|Chapter|Part|Article|Appendix|Annex|§)\s*[\dIVXLC])/u;
// A section label on its own ("Section 4.") is a heading despite its period.
const SECTION_LABEL = /^\s*(?:(?:Section|Chapter|Part|Article|Appendix|Annex)\s+)?[\dIVXLC]+(?:\.\d+)*\.?$/;
const SENTENCE_END = /[.!?…]["'”’»)\]]*$/;
const CLAUSE_END = /[.!?…:;,]["'”’»)\]]*$/;
// Endings no heading or paragraph has: a broken word, a comma, a word that needs the next line.
const OPEN_END = /(?:\p{L}-|[,;]|\b(?:a|an|the|of|to|in|on|at|by|for|from|with|into|and|or|but|nor|as|than|that|which|who|whose|is|are|was|were|be|been|has|have|had|will|would|can|could|its|their|our|his|her|this|these|those)\b)$/u;
const LOWERCASE_START = /^\s*\p{Ll}/u;
const LETTER = /\p{L}/u;
/** Longest line that can be a heading without a Markdown "#" or an underline. */
const MAX_HEADING_CHARS = 120;
// Fewer wrapped line pairs than this, or a narrower width, is not evidence of hard wrapping.
const MIN_WRAP_EVIDENCE = 3;
const MIN_WRAP_WIDTH = 24;

/**
 * Splits a document into sentences with exact offsets; whitespace between
 * sentences belongs to none of them, and decoration lines (heading underlines,
 * rules, code fences) to no sentence. A line break inside a paragraph is a soft
 * wrap; blank lines, headings, list items, code and contents lines end one.
 */
export function splitSentences(docId: string, text: string): Span[] {
  const spans: Span[] = [];
  for (const block of textBlocks(text)) {
    if (block.kind !== "paragraph") {
      spans.push({ docId, start: block.start, end: block.end, text: text.slice(block.start, block.end) });
      continue;
    }
    // Soft wraps read as spaces (same length, so offsets hold): ICU breaks after every newline.
    const flat = text.slice(block.start, block.end).replace(/[\r\n]/g, " ");
    let previous: Span | undefined;
    for (const segment of sentenceSegments(flat)) {
      let start = block.start + segment.index;
      let end = start + segment.segment.length;
      while (start < end && /\s/.test(text[start]!)) start++;
      while (end > start && /\s/.test(text[end - 1]!)) end--;
      if (start === end) continue;
      if (previous && (ABBREVIATION_END.test(previous.text) || MARKER_ONLY.test(previous.text))) {
        previous.end = end;
        previous.text = text.slice(previous.start, end);
        continue;
      }
      spans.push((previous = { docId, start, end, text: text.slice(start, end) }));
    }
  }
  return spans;
}

// Walking ICU's segments of one string costs time that grows with the square of its length (a 700 KB
// paragraph: 20 s), so a long paragraph is segmented a window at a time.
const SEGMENT_WINDOW = 4096;

/**
 * ICU's sentence segments of `flat`, the same as `segmenter.segment(flat)`: a
 * window's last two segments are left for the next window, which starts where
 * they did, so every break kept was decided with the text after it in view.
 */
export function* sentenceSegments(flat: string, window = SEGMENT_WINDOW): Generator<{ index: number; segment: string }> {
  for (let from = 0; from < flat.length; ) {
    let size = window;
    let segments: { index: number; segment: string }[];
    // A window of fewer than three segments (one very long sentence) grows until it holds three or the rest.
    for (;;) {
      segments = [...segmenter.segment(flat.slice(from, from + size))];
      if (from + size >= flat.length || segments.length >= 3) break;
      size *= 2;
    }
    const last = from + size >= flat.length;
    const kept = last ? segments : segments.slice(0, -2);
    for (const s of kept) yield { index: from + s.index, segment: s.segment };
    if (last) return;
    from += segments.at(-2)!.index;
  }
}

/** The document's layout units in order; sentences never cross their bounds. */
export function textBlocks(text: string): TextBlock[] {
  const lines = classifyLines(text);
  const width = wrapWidth(text, lines);
  const blocks: TextBlock[] = [];
  let open: { first: number; last: number } | undefined;
  const close = () => {
    if (!open) return;
    const first = lines[open.first]!;
    const last = lines[open.last]!;
    const underlined = lines[open.last + 1]?.kind === "decoration";
    const heading =
      first.kind === "heading" ||
      (first.kind === "prose" &&
        last.end - first.start <= MAX_HEADING_CHARS &&
        (underlined || (open.first === open.last && isPlainHeading(text, lines, open.first))));
    const kind = heading ? "heading" : first.kind === "prose" ? "paragraph" : "line";
    blocks.push({ start: first.start + leadingSpace(text, first), end: last.end, kind });
    open = undefined;
  };
  lines.forEach((line, i) => {
    if (line.kind === "blank" || line.kind === "decoration" || line.kind === "fence") return close();
    if (open && open.last === i - 1 && softBreak(text, lines[i - 1]!, line, width)) open.last = i;
    else {
      close();
      open = { first: i, last: i };
    }
  });
  close();
  return blocks;
}

function classifyLines(text: string): Line[] {
  const raw: { start: number; end: number }[] = [];
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const stop = newline === -1 ? text.length : newline;
    let end = stop;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    raw.push({ start, end });
    start = stop + 1;
  }
  const lines: Line[] = [];
  let fenced = false;
  let codeIndent = -1;
  let previousProse = "";
  raw.forEach(({ start, end }, i) => {
    const content = text.slice(start, end);
    const indent = indentOf(content);
    const next = raw[i + 1];
    let kind: LineKind;
    if (FENCE.test(content)) {
      fenced = !fenced;
      kind = "fence";
    } else if (end === start) kind = "blank";
    else if (fenced || (codeIndent >= 0 && indent >= codeIndent)) kind = "code";
    else if (
      // Markdown's indented code and reStructuredText's literal blocks cannot interrupt a paragraph,
      // and run on indented: an indented first line alone is a paragraph's indentation.
      lines[i - 1]?.kind !== "prose" &&
      (indent >= 4 || (indent > 0 && previousProse.endsWith("::"))) &&
      (!next || next.end === next.start || indentOf(text.slice(next.start, next.end)) >= indent)
    ) {
      kind = "code";
      codeIndent = indent;
    } else if (DECORATION.test(content)) kind = "decoration";
    else if (ATX_HEADING.test(content)) kind = "heading";
    else if (CONTENTS.test(content) || TABLE_ROW.test(content)) kind = "row";
    else kind = "prose";
    if (kind !== "code" && kind !== "blank") codeIndent = -1;
    if (kind === "prose") previousProse = content;
    const marker = kind !== "prose" ? "" : SURE_MARKER.test(content) ? "sure" : AMBIGUOUS_MARKER.test(content) ? "ambiguous" : "";
    lines.push({ start, end, kind, marker });
  });
  return lines;
}

function indentOf(content: string): number {
  let columns = 0;
  for (const ch of content) {
    if (ch === " ") columns++;
    else if (ch === "\t") columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

const leadingSpace = (text: string, line: Line) => {
  let i = line.start;
  while (i < line.end && /\s/.test(text[i]!)) i++;
  return i - line.start;
};

const firstWordLength = (text: string, line: Line) => {
  const word = /\S+/.exec(text.slice(line.start, line.end));
  return word ? word[0].length : 0;
};

/**
 * The column at which the document's lines were hard-wrapped, or undefined if
 * they were not: the width W that best explains consecutive lines as a wrap
 * (the line fits in W, its next word would not have), provided it explains at
 * least half the pairs. Text with one paragraph a line has no such width.
 */
function wrapWidth(text: string, lines: Line[]): number | undefined {
  const support = new Map<number, number>();
  let pairs = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const [a, b] = [lines[i]!, lines[i + 1]!];
    if (a.kind !== "prose" || b.kind !== "prose" || b.marker) continue;
    pairs++;
    const length = a.end - a.start;
    for (let w = length; w <= length + firstWordLength(text, b); w++) support.set(w, (support.get(w) ?? 0) + 1);
  }
  let best: number | undefined;
  let most = 0;
  for (const [w, n] of support) if (n > most || (n === most && w > best!)) [best, most] = [w, n];
  return best !== undefined && most >= MIN_WRAP_EVIDENCE && 2 * most >= pairs && best >= MIN_WRAP_WIDTH ? best : undefined;
}

/** Whether the line break between two consecutive non-blank lines only wraps a paragraph. */
function softBreak(text: string, a: Line, b: Line, width: number | undefined): boolean {
  if (a.kind !== "prose" || b.kind !== "prose" || b.marker === "sure") return false;
  const lineA = text.slice(a.start, a.end);
  // The next word would not have fitted on the line, so the wrap, not the writer, broke it.
  const full = width !== undefined && a.end - a.start + 1 + firstWordLength(text, b) > width;
  const continues = full && (!SENTENCE_END.test(lineA) || ABBREVIATION_END.test(lineA));
  if (b.marker === "ambiguous") return continues;
  return continues || OPEN_END.test(lineA) || LOWERCASE_START.test(text.slice(b.start, b.end));
}

/** A short line of its own that does not end like a sentence or clause, or a bare section label; not a bullet or an item of a list. */
function isPlainHeading(text: string, lines: Line[], i: number): boolean {
  const line = lines[i]!;
  const content = text.slice(line.start, line.end);
  if (BULLET.test(content) || !LETTER.test(content)) return false;
  if (line.marker && (lines[i - 1]?.marker || lines[i + 1]?.marker)) return false;
  return SECTION_LABEL.test(content) || !CLAUSE_END.test(content);
}
