import { parse, type DefaultTreeAdapterTypes as T } from "parse5";
import type { ExtractedDocument } from "./extract.js";
import { HeadingOutline } from "./locate.js";
import { compact, field, invalidFile, isoDate } from "./metadata.js";
import { decodeUtf8 } from "./txt.js";

const HTML_NS = "http://www.w3.org/1999/xhtml";

// Never readable text: code, styling, embedded media, form controls, and what only shows without scripts.
const DROPPED = new Set([
  "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
  "audio", "video", "picture", "map", "select", "datalist", "textarea", "button", "input", "dialog",
]);
// Paragraph-like blocks get a blank line around them, other blocks a line break (the rest is inline).
const PARAGRAPH = new Set([
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "figure", "hr", "address", "details",
  "fieldset", "form", "section", "article", "aside", "main", "header", "footer", "hgroup",
]);
const LINE = new Set([
  "div", "li", "dt", "dd", "tr", "caption", "figcaption", "summary", "legend", "center", "search",
]);
const LISTS = new Set(["ul", "ol", "dl", "menu"]);
const HEADING = /^h([1-6])$/;
// A header or footer inside these belongs to that part of the page, not to the site around it (ARIA's banner/contentinfo rule).
const SECTIONING = new Set(["article", "aside", "main", "nav", "section"]);

const META_KEYS = {
  title: ["og:title", "dc.title", "dcterms.title"],
  author: ["author", "dc.creator", "dcterms.creator"],
  date: ["date", "article:published_time", "dc.date", "dcterms.date", "dc.date.issued", "dcterms.issued", "datepublished"],
  publisher: ["publisher", "og:site_name", "dc.publisher", "dcterms.publisher"],
} as const;

/** The page's readable text, roughly as a browser's innerText lays it out, its headings' outline and its stated metadata. */
export function extractHtml(bytes: Uint8Array, fileName: string): ExtractedDocument {
  const document = parse(decodeHtml(bytes, fileName));
  const head = scanMetadata(document);
  const { text, locations, firstH1 } = readableText(head.root, head.hasMainContent);
  const meta = (key: keyof typeof META_KEYS) => META_KEYS[key].map((name) => field(head.meta.get(name))).find(Boolean);
  return {
    text,
    metadata: compact({
      title: field(head.title) ?? meta("title") ?? firstH1,
      author: meta("author"),
      publisher: meta("publisher"),
      date: META_KEYS.date.map((name) => isoDate(head.meta.get(name))).find(Boolean),
    }),
    locations,
  };
}

/** The encoding a browser would pick from a BOM or a `<meta charset>` in the first 1024 bytes; UTF-8 otherwise. */
function decodeHtml(bytes: Uint8Array, fileName: string): string {
  let label = "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) label = "utf-16le";
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = "utf-16be";
  else if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
    // The HTML standard's prescan reads the declaration as bytes, before any parsing.
    const prefix = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
    const declared = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(prefix)?.[1]?.toLowerCase();
    // A file that could be read as ASCII cannot be UTF-16, whatever it claims.
    if (declared && !/^utf-?16/.test(declared)) label = declared;
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch (cause) {
    throw invalidFile(fileName, `declares the character encoding "${label}", which is not one this service can read`, cause);
  }
  if (decoder.encoding === "utf-8") return decodeUtf8(bytes, fileName);
  if (decoder.encoding === "windows-1252") return decodeWindows1252(bytes);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw invalidFile(fileName, `is not valid ${decoder.encoding} text, the encoding it declares`, cause);
  }
}

// Node's TextDecoder reads windows-1252 (also what "latin1" and "ascii" labels mean on the web) as ISO-8859-1,
// which turns its curly quotes, dashes and euro sign (0x80-0x9F) into control characters.
const CP1252_HIGH = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";
const decodeWindows1252 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1").replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);

/** Children onto a stack so that they pop in document order (iterative walks: pages nest thousands deep). */
function pushChildren<N>(stack: N[], children: readonly N[]): void {
  for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
}

const isElement = (node: T.Node): node is T.Element => "tagName" in node;
const attr = (el: T.Element, name: string) => el.attrs.find((a) => a.name === name)?.value;

function scanMetadata(document: T.Document) {
  const meta = new Map<string, string>();
  let title: string | undefined;
  let hasMainContent = false;
  const mains: T.Element[] = [];
  const pending: T.Node[] = [document];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if ("childNodes" in node && (!isElement(node) || node.namespaceURI === HTML_NS)) pushChildren(pending, node.childNodes);
    if (!isElement(node) || node.namespaceURI !== HTML_NS) continue;
    if (node.tagName === "title") title ??= node.childNodes.map((c) => ("value" in c && c.nodeName === "#text" ? c.value : "")).join("");
    else if (node.tagName === "meta") {
      const key = (attr(node, "name") ?? attr(node, "property") ?? attr(node, "itemprop"))?.toLowerCase();
      const content = attr(node, "content");
      if (key && content && !meta.has(key)) meta.set(key, content);
    } else if (node.tagName === "main" || attr(node, "role") === "main") {
      if (attr(node, "hidden") === undefined) mains.push(node);
      hasMainContent = true;
    } else if (node.tagName === "article") hasMainContent = true;
  }
  // The one visible <main> is, by definition, the page's dominant content: what lies outside it is chrome.
  return { meta, title, hasMainContent, root: mains.length === 1 ? mains[0]! : document };
}

function isHidden(el: T.Element, sectioning: number, hasMainContent: boolean): boolean {
  if (DROPPED.has(el.tagName) || el.namespaceURI !== HTML_NS) return true;
  if (attr(el, "hidden") !== undefined || attr(el, "aria-hidden") === "true") return true;
  if (/(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(attr(el, "style") ?? "")) return true;
  const role = attr(el, "role");
  if (el.tagName === "nav" || role === "navigation" || role === "search") return true;
  // Site banner and footer: chrome only when the page marks where its content is; otherwise they may hold it.
  if (role === "banner" || role === "contentinfo") return hasMainContent;
  return (el.tagName === "header" || el.tagName === "footer") && sectioning === 0 && hasMainContent;
}

function readableText(root: T.Document | T.Element, hasMainContent: boolean) {
  let out = "";
  let trailingNewlines = 0;
  let breakNeeded = 0;
  let gap = ""; // collapsed whitespace (" ") or a cell separator ("\t") owed before the next text
  let preDepth = 0;
  let sectioning = 0;
  let listDepth = 0;
  let heading: { depth: number; start: number } | undefined;
  let firstH1: string | undefined;
  const rowCells: number[] = [];
  const outline = new HeadingOutline();

  const emit = (s: string) => {
    if (out.length > 0) {
      if (breakNeeded > trailingNewlines) out += "\n".repeat(breakNeeded - trailingNewlines);
      else if (gap && trailingNewlines === 0) out += gap;
    }
    breakNeeded = 0;
    gap = "";
    if (heading && heading.start < 0) heading.start = out.length;
    out += s;
    const ending = s.length - s.replace(/\n+$/, "").length;
    trailingNewlines = ending === s.length ? trailingNewlines + ending : ending;
  };
  const text = (value: string) => {
    if (preDepth > 0) return value && emit(value);
    // U+00A0 only keeps a layout from wrapping; as plain text it is a space (and "&nbsp;"-only paragraphs vanish).
    const collapsed = value.replace(/[\t\n\f\r \u00a0]+/g, " ");
    if (collapsed === " ") return void (gap ||= " ");
    if (collapsed.startsWith(" ")) gap ||= " ";
    const core = collapsed.trim();
    if (core) emit(core);
    if (collapsed.endsWith(" ")) gap = " ";
  };
  const block = (n: number) => void (breakNeeded = Math.max(breakNeeded, n));

  type Exit = () => void;
  const enter = (el: T.Element): Exit | undefined => {
    const tag = el.tagName;
    // Each <br> adds a line break; more than one blank line says nothing more.
    if (tag === "br") return void (breakNeeded = Math.min(2, Math.max(breakNeeded, trailingNewlines) + 1));
    const level = HEADING.exec(tag);
    if (level) {
      block(2);
      if (heading) return undefined; // a heading inside a heading is part of its text
      const depth = Number(level[1]);
      heading = { depth, start: -1 };
      return () => {
        const title = heading!.start >= 0 ? field(out.slice(heading!.start)) : undefined;
        if (title) {
          outline.enter(depth, title, heading!.start);
          if (depth === 1) firstH1 ??= title;
        }
        heading = undefined;
        block(2);
      };
    }
    if (tag === "td" || tag === "th") {
      if (rowCells.length > 0 && rowCells[rowCells.length - 1]!++ > 0) gap = "\t";
      return undefined;
    }
    const n = PARAGRAPH.has(tag) ? 2 : LINE.has(tag) ? 1 : LISTS.has(tag) ? (listDepth > 0 ? 1 : 2) : 0;
    const isSectioning = SECTIONING.has(tag);
    if (n === 0 && !isSectioning) return undefined;
    block(n);
    if (tag === "pre") preDepth++;
    if (tag === "tr") rowCells.push(0);
    if (LISTS.has(tag)) listDepth++;
    if (isSectioning) sectioning++;
    return () => {
      if (tag === "pre") preDepth--;
      if (tag === "tr") rowCells.pop();
      if (LISTS.has(tag)) listDepth--;
      if (isSectioning) sectioning--;
      block(n);
    };
  };

  const pending: (T.ChildNode | Exit)[] = [];
  pushChildren(pending, isElement(root) ? [root] : root.childNodes);
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item === "function") {
      item();
      continue;
    }
    if (item.nodeName === "#text" && "value" in item) {
      text(item.value);
      continue;
    }
    if (!isElement(item) || isHidden(item, sectioning, hasMainContent)) continue;
    const exit = enter(item);
    if (exit) pending.push(exit);
    pushChildren<T.ChildNode | Exit>(pending, item.childNodes);
  }
  return { text: out, locations: outline.locations, firstH1 };
}
