import { describe, expect, it } from "vitest";
import { RagError } from "../../../src/errors.js";
import { extractDocument, locationAt } from "../../../src/ingest/formats/extract.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

const PAGE = `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>  Caf&eacute; &amp; Co —
  Annual Report </title>
<meta name="Author" content="Jane Doe">
<meta property="article:published_time" content="2024-02-29T23:30:00-05:00">
<meta property="og:site_name" content="Example News">
<style>body { color: red } p::before { content: "styled" }</style>
<script>var x = "<p>not text</p>";</script>
</head>
<body>
<header class="site"><a href="/">Home</a> | <a href="/about">About us</a></header>
<nav><ul><li>Menu one</li><li>Menu two</li></ul></nav>
<main>
<article>
<header><h1>The   Main
 Title</h1><p class="byline">By Jane</p></header>
<p>First paragraph with <b>bold</b> and <i>ital</i>ic   text, &lt;tag&gt; &amp; entities&nbsp;here, &#x201C;quoted&#8221;.
It wraps over source lines.</p>
<p>&nbsp;</p>
<h2>Section A</h2>
<p>Line one<br>Line two<br><br>After a blank line</p>
<ul><li>Item one</li><li>Item two<ul><li>Nested item</li></ul></li></ul>
<h3>Sub A.1</h3>
<table><caption>Prices</caption><thead><tr><th>Name</th><th>Price</th></tr></thead><tbody><tr><td>Tea</td><td> 3 &euro; </td></tr><tr><td>Coffee</td><td>4 &euro;</td></tr></tbody></table>
<pre>  code   block
    indented</pre>
<noscript>Enable JavaScript</noscript>
<template><p>template text</p></template>
<div hidden>hidden text</div><div style="display: none">invisible</div><span aria-hidden="true">★</span>
<svg><title>icon title</title><text>svg text</text></svg>
<button>Share</button>
<h2>Section B</h2>
<div>Div text<span>joined</span> <em>inline</em></div>
<section><h4>Deep</h4><p>Under a skipped level.</p></section>
<footer>Article footer stays.</footer>
</article>
</main>
<footer>© 2024 Example News. All rights reserved.</footer>
<script>document.write("late script")</script>
</body></html>`;

const TEXT = [
  "The Main Title",
  "By Jane",
  "First paragraph with bold and italic text, <tag> & entities here, \u201Cquoted\u201D. It wraps over source lines.",
  "Section A",
  "Line one\nLine two\n\nAfter a blank line",
  "Item one\nItem two\nNested item",
  "Sub A.1",
  "Prices\nName\tPrice\nTea\t3 €\nCoffee\t4 €",
  "  code   block\n    indented",
  "Section B",
  "Div textjoined inline",
  "Deep",
  "Under a skipped level.",
  "Article footer stays.",
].join("\n\n");

describe("HTML", () => {
  it("extracts the readable text: blocks on their own lines, inline text joined, whitespace collapsed, chrome and code dropped", async () => {
    const doc = await extractDocument(utf8(PAGE), "report.html");
    expect(doc.text).toBe(TEXT);
  });

  it("reads the stated metadata from the head", async () => {
    const doc = await extractDocument(utf8(PAGE), "report.htm");
    expect(doc.metadata).toEqual({ title: "Café & Co — Annual Report", author: "Jane Doe", publisher: "Example News", date: "2024-02-29" });
  });

  it("gives the heading path of the headings as they occur in the extracted text", async () => {
    const doc = await extractDocument(utf8(PAGE), "report.html");
    expect(doc.locations.map((l) => [doc.text.slice(l.start, l.start + 9), l.headingPath])).toEqual([
      ["The Main ", ["The Main Title"]],
      ["Section A", ["The Main Title", "Section A"]],
      ["Sub A.1\n\n", ["The Main Title", "Section A", "Sub A.1"]],
      ["Section B", ["The Main Title", "Section B"]],
      ["Deep\n\nUnd", ["The Main Title", "Section B", "Deep"]],
    ]);
    const at = (needle: string) => locationAt(doc.locations, doc.text.indexOf(needle)).headingPath;
    expect(at("Coffee")).toEqual(["The Main Title", "Section A", "Sub A.1"]);
    expect(at("Article footer")).toEqual(["The Main Title", "Section B", "Deep"]);
  });

  it("reads only the page's one <main> when it has one: whatever lies outside is chrome", async () => {
    const page = `<body><div class="popup"><h2>Keyboard shortcuts</h2><p>Press ? for help</p></div><div class="menu"><h1>The Book</h1></div>
      <main><h1>Chapter</h1><header>Chapter header stays</header><p>Body.</p></main><aside>Related links</aside></body>`;
    const doc = await extractDocument(utf8(page), "book.html");
    expect(doc.text).toBe("Chapter\n\nChapter header stays\n\nBody.");
    expect(doc.locations).toEqual([{ start: 0, headingPath: ["Chapter"] }]);
  });

  it("drops the site's banner and footer around an <article>, and keeps the article's own", async () => {
    const page = `<body><header>Site name</header><div role="navigation">Menu</div><article><header><h1>Post</h1></header><p>Text.</p>
      <footer>Posted by Ann</footer></article><div>Comments: none</div><footer>© Site</footer><div role="contentinfo">Imprint</div></body>`;
    expect((await extractDocument(utf8(page), "post.html")).text).toBe("Post\n\nText.\n\nPosted by Ann\n\nComments: none");
  });

  it("keeps a page's header and footer when nothing marks where its content is", async () => {
    const page = "<html><head><meta property='og:title' content='OG title'></head><body><header><h1>Essay</h1></header><p>Body text.</p><footer>Written in 1999.</footer></body></html>";
    const doc = await extractDocument(utf8(page), "essay.html");
    expect(doc.text).toBe("Essay\n\nBody text.\n\nWritten in 1999.");
    expect(doc.metadata).toEqual({ title: "OG title" });
  });

  it("takes the first statement of each field, in document order", async () => {
    const page = `<title>First</title><meta name="author" content="A. One"><meta name="author" content="B. Two">
      <meta name="dc.date" content="not a date"><meta name="date" content="2021-07"><body><svg><title>icon</title></svg><title>Second</title>x`;
    expect((await extractDocument(utf8(page), "dup.html")).metadata).toEqual({ title: "First", author: "A. One", date: "2021-07" });
  });

  it("falls back to the first h1 for the title, and states only what is there", async () => {
    const doc = await extractDocument(utf8("<h2>Intro</h2><p>x</p><h1>Real <em>Title</em></h1>"), "bare.html");
    expect(doc.metadata).toEqual({ title: "Real Title" });
    expect(doc.text).toBe("Intro\n\nx\n\nReal Title");
    expect(doc.locations).toEqual([
      { start: 0, headingPath: ["Intro"] },
      { start: 10, headingPath: ["Real Title"] },
    ]);
  });

  it("decodes the character encoding the page declares, and refuses bytes that are not it", async () => {
    const latin = new Uint8Array([...utf8('<meta charset="windows-1252"><p>Caf'), 0xe9, 0x20, 0x93, ...utf8("q"), 0x94, ...utf8("</p>")]);
    expect((await extractDocument(latin, "old.html")).text).toBe("Café \u201Cq\u201D");
    const latin1Label = new Uint8Array([...utf8('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>'), 0x80, 0xe9]);
    expect((await extractDocument(latin1Label, "old2.html")).text).toBe("€é");
    const utf16 = new Uint8Array([0xff, 0xfe, ...[..."<p>Hé</p>"].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect((await extractDocument(utf16, "wide.html")).text).toBe("Hé");
    const undeclared = new Uint8Array([...utf8("<p>Caf"), 0xe9, ...utf8("</p>")]);
    const error = await extractDocument(undeclared, "bad.html").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).message).toMatch(/^bad\.html: is not valid UTF-8/);
    const unknown = await extractDocument(utf8('<meta charset="klingon"><p>x</p>'), "k.html").catch((e: unknown) => e);
    expect((unknown as RagError).message).toMatch(/^k\.html: declares the character encoding "klingon"/);
  });

  it("handles markup a browser forgives, and nesting too deep to recurse through", async () => {
    expect((await extractDocument(utf8("<p>one<p>two<ul><li>three<li>four</ul>five"), "sloppy.html")).text).toBe("one\n\ntwo\n\nthree\nfour\n\nfive");
    expect((await extractDocument(utf8("<table><tr><td>a<td>b<tr><td>c</table>"), "table.html")).text).toBe("a\tb\nc");
    const deep = "<div>".repeat(20_000) + "deep text" + "</div>".repeat(20_000);
    expect((await extractDocument(utf8(deep), "deep.html")).text).toBe("deep text");
  });
});
