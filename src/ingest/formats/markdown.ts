import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { frontmatter } from "micromark-extension-frontmatter";
import { parseDocument } from "yaml";
import type { ExtractedDocument } from "./extract.js";
import { HeadingOutline } from "./locate.js";
import { compact, field, isoDate } from "./metadata.js";
import { decodeUtf8 } from "./txt.js";

// Typed through the parser, not "mdast": src/ may only name packages in dependencies.
type Root = ReturnType<typeof fromMarkdown>;
type MdNode = Root | Root["children"][number];

/** The file verbatim (offsets index the raw Markdown); outline and metadata from its syntax tree. */
export function extractMarkdown(bytes: Uint8Array, fileName: string): ExtractedDocument {
  const text = decodeUtf8(bytes, fileName);
  const tree = fromMarkdown(text, { extensions: [frontmatter(["yaml"])], mdastExtensions: [frontmatterFromMarkdown(["yaml"])] });
  const outline = new HeadingOutline();
  let stated: Record<string, unknown> = {};
  // Only the top level: a heading inside a quote or list item is content, not the document's outline.
  for (const node of tree.children) {
    if (node.type === "yaml") stated = frontMatter(node.value);
    else if (node.type === "heading") {
      const title = field(plainText(node));
      if (title) outline.enter(node.depth, title, node.position!.start.offset!);
    }
  }
  return {
    text,
    metadata: compact({
      title: field(stated.title) ?? outline.locations[0]?.headingPath?.at(-1),
      author: field(stated.author ?? stated.authors),
      publisher: field(stated.publisher),
      date: isoDate(stated.date),
    }),
    locations: outline.locations,
  };
}

/**
 * Front matter that is not a valid YAML mapping states nothing: its text stays
 * in the document, and one stray colon in a title should not stop a whole corpus.
 */
function frontMatter(source: string): Record<string, unknown> {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return {};
  const value: unknown = doc.toJS();
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function plainText(node: MdNode): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value;
  if (node.type === "break") return " ";
  return "children" in node ? node.children.map((child) => plainText(child as MdNode)).join("") : "";
}
