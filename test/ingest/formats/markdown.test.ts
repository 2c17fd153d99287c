import { describe, expect, it } from "vitest";
import { extractDocument, locationAt } from "../../../src/ingest/formats/extract.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

const SOURCE = `---
title: "Japan's Response: An Overview"
author:
  - Ann Ito
  - Bob Sato
publisher: Example Press
date: 2024-01-15
tags: [a, b]
---

# Introduction

Text with a hard-wrapped line and a hyphen-
ated word, *emphasis* and \`code\`.

## Sanctions *and* \`assets\`

\`\`\`sh
# not a heading: inside a code block
echo hi
\`\`\`

- first item
- second item
  continued

> # Quoted heading, not part of the outline

### Frozen assets

Details.

Background
==========

Setext paragraph.

## Aid

Last words.
`;

describe("Markdown", () => {
  it("keeps the file verbatim, BOM dropped, so offsets index the raw Markdown", async () => {
    const doc = await extractDocument(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(SOURCE)]), "overview.md");
    expect(doc.text).toBe(SOURCE);
  });

  it("takes metadata from the front matter, dates as ISO", async () => {
    const { metadata } = await extractDocument(utf8(SOURCE), "overview.md");
    expect(metadata).toEqual({ title: "Japan's Response: An Overview", author: "Ann Ito, Bob Sato", publisher: "Example Press", date: "2024-01-15" });
  });

  it("gives the heading path in force at each offset, from the headings' positions", async () => {
    const doc = await extractDocument(utf8(SOURCE), "overview.md");
    expect(doc.locations.map((l) => [doc.text.slice(l.start, l.start + 12), l.headingPath])).toEqual([
      ["# Introducti", ["Introduction"]],
      ["## Sanctions", ["Introduction", "Sanctions and assets"]],
      ["### Frozen a", ["Introduction", "Sanctions and assets", "Frozen assets"]],
      ["Background\n=", ["Background"]],
      ["## Aid\n\nLast", ["Background", "Aid"]],
    ]);
    const at = (needle: string) => locationAt(doc.locations, doc.text.indexOf(needle)).headingPath;
    expect(at("title:")).toBeUndefined();
    expect(at("hyphen-\nated")).toEqual(["Introduction"]);
    expect(at("not a heading")).toEqual(["Introduction", "Sanctions and assets"]);
    expect(at("Quoted heading")).toEqual(["Introduction", "Sanctions and assets"]);
    expect(at("Details.")).toEqual(["Introduction", "Sanctions and assets", "Frozen assets"]);
    expect(at("Setext paragraph")).toEqual(["Background"]);
    expect(at("Last words")).toEqual(["Background", "Aid"]);
  });

  it("falls back to the first heading for the title, and states nothing else", async () => {
    const source = "Intro line.\r\n\r\n## Setting *the* Scene\r\n\r\nBody.\r\n\r\n# Later Title\r\n";
    const doc = await extractDocument(utf8(source), "notes.markdown");
    expect(doc.text).toBe(source);
    expect(doc.metadata).toEqual({ title: "Setting the Scene" });
    expect(doc.locations).toEqual([
      { start: source.indexOf("## Setting"), headingPath: ["Setting the Scene"] },
      { start: source.indexOf("# Later"), headingPath: ["Later Title"] },
    ]);
  });

  it("ignores front matter that is not a YAML mapping rather than refusing the file", async () => {
    const broken = "---\ntitle: A: B: C\n  bad indent\n---\n\n# Heading Title\n";
    expect((await extractDocument(utf8(broken), "a.md")).metadata).toEqual({ title: "Heading Title" });
    const list = "---\n- a\n- b\n---\n\nNo heading.\n";
    expect((await extractDocument(utf8(list), "b.md")).metadata).toEqual({});
  });

  it("counts offsets in UTF-16 code units, like the text", async () => {
    const source = "😀 emoji first\n\n# Après 😀\n";
    const doc = await extractDocument(utf8(source), "c.md");
    expect(doc.locations).toEqual([{ start: source.indexOf("# Après"), headingPath: ["Après 😀"] }]);
  });
});
