import { createRequire } from "node:module";
import path from "node:path";
import { getDocument, type PDFDocumentProxy, type PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { ExtractedDocument } from "./extract.js";
import type { DocumentLocation } from "./locate.js";
import { compact, field, invalidFile, isoDate, validDate } from "./metadata.js";

type TextContentItem = Awaited<ReturnType<PDFPageProxy["getTextContent"]>>["items"][number];
interface Line {
  text: string;
  /** Baseline height on the page, in points from the bottom. */
  y: number;
  size: number;
}

// Character maps (CJK fonts without a ToUnicode table) and the 14 standard fonts' metrics, which pdf.js
// reads from files in Node: without them such text comes out wrong or with spacing guessed from no widths.
const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
const RESOURCES = {
  cMapUrl: path.join(pdfjsRoot, "cmaps") + path.sep,
  cMapPacked: true,
  standardFontDataUrl: path.join(pdfjsRoot, "standard_fonts") + path.sep,
};

/**
 * Text per page from pdf.js's text layer, lines joined by "\n", a blank line
 * where the gap between lines says a paragraph ends, pages by "\n\n"; running
 * headers and footers dropped. No worker to set up: in Node the legacy build
 * disables workers itself and runs its parser on this thread ("fake worker").
 */
export async function extractPdf(bytes: Uint8Array, fileName: string): Promise<ExtractedDocument> {
  const task = getDocument({
    data: new Uint8Array(bytes), // a copy: pdf.js detaches the buffer it is given, and refuses a Buffer
    ...RESOURCES,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0, // errors only: pdf.js logs recoverable damage with console.log
  });
  try {
    let doc: PDFDocumentProxy;
    try {
      doc = await task.promise;
    } catch (cause) {
      const reason = (cause as Error).name === "PasswordException" ? "is password-protected" : `is not a readable PDF (${(cause as Error).message})`;
      throw invalidFile(fileName, reason, cause);
    }
    const pages: Line[][] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      try {
        const page = await doc.getPage(n);
        pages.push(pageLines((await page.getTextContent()).items));
        page.cleanup();
      } catch (cause) {
        throw invalidFile(fileName, `page ${n} cannot be read (${(cause as Error).message})`, cause);
      }
    }
    const { text, locations } = joinPages(dropRunningLines(pages));
    if (!text) throw invalidFile(fileName, "has no text layer (a scanned PDF?); reading it would need OCR, which this service does not do");
    return { text, metadata: await pdfMetadata(doc), locations };
  } finally {
    await task.destroy();
  }
}

function pageLines(items: readonly TextContentItem[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  const close = () => {
    const text = line?.text.trim();
    if (text) lines.push({ ...line!, text });
    line = undefined;
  };
  for (const item of items) {
    if (!("str" in item)) continue;
    if (item.str) {
      const [, , c = 0, d = 0, , y = 0] = item.transform as number[];
      const size = Math.hypot(c, d) || item.height;
      // pdf.js's hasEOL misses some breaks; a baseline that moves by half a line starts a new one (super- and subscripts move less).
      if (line && Math.abs(y - line.y) > 0.5 * Math.max(size, line.size)) close();
      if (line) line.text += item.str;
      else line = { text: item.str, y, size };
    }
    if (item.hasEOL) close();
  }
  close();
  return lines;
}

/**
 * Running headers and footers: the topmost or bottommost line of a page when,
 * on at least half the pages (and at least two), that line is the same with
 * digits aside ("Page 3 of 9"), or carries the page's number in sequence
 * ("Chapter 2: Methods 17" on the 19th page, "Chapter 3: Results 23" on the
 * 25th). Peeled a line at a time, so a two-line header goes while the body's
 * first line stays. Left in, they would split sentences that run on across a
 * page break.
 */
function dropRunningLines(pages: Line[][]): Line[][] {
  const withText = pages.filter((lines) => lines.length > 0).length;
  if (withText < 3) return pages;
  const threshold = Math.max(2, Math.ceil(withText / 2));
  const body = bodySize(pages.flat());
  let kept = pages;
  for (const side of ["top", "bottom"] as const) {
    for (let round = 0; round < 2; round++) {
      const edges = kept.map((lines, i) => {
        const line = lines.reduce<Line | undefined>((best, l) => (!best || (side === "top" ? l.y > best.y : l.y < best.y) ? l : best), undefined);
        if (!line) return undefined;
        // A numbered heading ("3 Results" atop page 3) is set larger than the body text; running lines never are.
        const numbered = line.size <= body + 0.5 ? pageNumberOffsets(line.text, i) : [];
        return { line, marks: [`text\0${normalise(line.text)}`, ...numbered] };
      });
      const counts = new Map<string, number>();
      for (const edge of edges) for (const mark of new Set(edge?.marks)) counts.set(mark, (counts.get(mark) ?? 0) + 1);
      const running = (i: number) => edges[i]?.marks.some((mark) => counts.get(mark)! >= threshold);
      if (!edges.some((_, i) => running(i))) break;
      kept = kept.map((lines, i) => (running(i) ? lines.filter((l) => l !== edges[i]!.line) : lines));
    }
  }
  return kept;
}

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, " ").replace(/\d+/g, "#");

/** How a number at the very start or end of the line relates to the page's index: constant across pages for a page number. */
function pageNumberOffsets(text: string, pageIndex: number): string[] {
  const ends = [/^(?:page|p\.)?[\s\-–—|]*(\d{1,4})\b/i.exec(text)?.[1], /\b(\d{1,4})[\s\-–—|]*$/.exec(text)?.[1]];
  return ends.filter((n) => n !== undefined).map((n) => `page\0${Number(n) - pageIndex}`);
}

/** The font size most characters are set in. */
function bodySize(lines: Line[]): number {
  const chars = new Map<number, number>();
  for (const { size, text } of lines) chars.set(Math.round(size * 2) / 2, (chars.get(Math.round(size * 2) / 2) ?? 0) + text.length);
  return [...chars].reduce((best, entry) => (entry[1] > best[1] ? entry : best), [0, 0])[0];
}

function joinPages(pages: Line[][]): { text: string; locations: DocumentLocation[] } {
  let text = "";
  const locations: DocumentLocation[] = [];
  pages.forEach((lines, i) => {
    if (lines.length === 0) return;
    if (text) text += "\n\n";
    locations.push({ start: text.length, page: i + 1 });
    // The usual line spacing: a gap half again as large ends a paragraph. A low percentile, so that a few
    // big gaps (headings, a footer) on a short page do not set it.
    const gaps = lines.slice(1).map((l, j) => lines[j]!.y - l.y).filter((g) => g > 0).sort((a, b) => a - b);
    const usual = gaps[Math.floor((gaps.length - 1) / 4)] ?? 0;
    lines.forEach((line, j) => {
      if (j > 0) text += usual > 0 && lines[j - 1]!.y - line.y > 1.5 * usual ? "\n\n" : "\n";
      text += line.text;
    });
  });
  return { text, locations };
}

// Titles that name the file the PDF was made from say nothing a file name would not.
const PLACEHOLDER_TITLE = /^(?:untitled|microsoft (?:word|powerpoint|excel) - .*)$|\.(?:docx?|pptx?|xlsx?|odt|rtf|tex|dvi|indd|qxd|pdf)$/i;

async function pdfMetadata(doc: PDFDocumentProxy): Promise<ExtractedDocument["metadata"]> {
  const { info, metadata: xmp } = await doc.getMetadata().catch(() => ({ info: {}, metadata: null }));
  const stated = info as Record<string, unknown>;
  const title = field(stated.Title) ?? field(xmp?.get("dc:title"));
  return compact({
    title: title && !PLACEHOLDER_TITLE.test(title) ? title : undefined,
    author: field(stated.Author) ?? field(xmp?.get("dc:creator")),
    publisher: field(xmp?.get("dc:publisher")),
    date: pdfDate(stated.CreationDate) ?? isoDate(xmp?.get("xmp:createdate")),
  });
}

/** "D:YYYYMMDDHHmmSS+HH'mm'", everything after the year optional: the calendar date as stated. */
function pdfDate(value: unknown): string | undefined {
  const m = typeof value === "string" ? /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(value.trim()) : null;
  return m ? validDate(m[1]!, m[2], m[3]) : undefined;
}
