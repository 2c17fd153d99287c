import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, postJson, startService, type RunningService } from "../helpers/server.js";

// A folder of mixed formats with no manifest, served by the real model, index and HTTP server.
const TOKEN = "test-admin-token";
let root: string;
let corpusDir: string;
let service: RunningService;

const WRAPPED_TEXT = `Field Guide to Lighthouse Keeping

1. Lamps

The keeper trims the wick of the paraffin lamp every evening at
sunset, and polishes the great Fresnel lens each morning so that
salt spray does not dim the beam.

2. Logs

Every passing ship is entered in the station log with its name,
its heading and the hour it was sighted.
`;

const MARKDOWN = `---
title: Orchard Handbook
author: Ada Greenway
date: 2021-04-03
---

# Orchard Handbook

## Pruning

Apple trees are pruned in late winter, while the trees are dormant,
to open the crown to light and air.

## Harvest

Pears are picked while still firm and left to ripen indoors for a week.
`;

const HTML = `<!doctype html><html><head><title>Beekeeping Notes</title><meta name="author" content="Tom Hive">
<style>p { color: red }</style><script>var hidden = "never indexed";</script></head>
<body><h1>Beekeeping Notes</h1><h2>Swarming</h2>
<p>A colony prepares to swarm when the hive runs out of room &amp; the old queen leaves with half of the workers.</p>
<h2>Honey</h2><p>Honey is extracted in late summer by spinning the frames in a centrifuge.</p></body></html>`;

async function pdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle("Glacier Survey Report");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  pages.forEach((lines, n) => {
    const page = doc.addPage([595, 842]);
    page.drawText("Glacier Survey Report", { x: 50, y: 800, size: 10, font });
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 700 - i * 16, size: 12, font }));
    page.drawText(`Page ${n + 1}`, { x: 280, y: 40, size: 10, font });
  });
  return doc.save();
}

async function upload(name: string, bytes: Uint8Array | string, token: string | null = TOKEN): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append("file", new Blob([typeof bytes === "string" ? bytes : Buffer.from(bytes)]), name);
  const response = await fetch(`${service.baseUrl}/v1/documents`, {
    method: "POST",
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: await response.json() };
}

async function verify(citation: { docId: string; start: number; end: number; text: string }) {
  const doc = (await getJson(service.baseUrl, `/v1/documents/${citation.docId}`)).body;
  expect(doc.text.slice(citation.start, citation.end)).toBe(citation.text);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "rag-folder-"));
  corpusDir = path.join(root, "corpus");
  await mkdir(path.join(corpusDir, "guides"), { recursive: true });
  await writeFile(path.join(corpusDir, "lighthouse.txt"), WRAPPED_TEXT);
  await writeFile(path.join(corpusDir, "guides", "orchard.md"), MARKDOWN);
  await writeFile(path.join(corpusDir, "bees.html"), HTML);
  await writeFile(
    path.join(corpusDir, "glacier.pdf"),
    await pdf([
      ["The survey began in June when the ice was measured at twelve stations."],
      ["The northern tongue of the glacier retreated forty metres in one year."],
      ["Meltwater lakes formed along the eastern margin in August."],
    ]),
  );
  await writeFile(path.join(corpusDir, "notes.docx"), "not a supported type");
  service = await startService({ corpusDir, indexDir: path.join(root, "index"), adminToken: TOKEN, queryCacheSize: 0 });
});
afterAll(async () => {
  await service?.close();
  await rm(root, { recursive: true, force: true });
});

describe("a folder of .txt, .md, .html and .pdf files with no manifest (real model, index and HTTP)", () => {
  it("serves every supported file with the metadata the file states", async () => {
    const { body } = await getJson(service.baseUrl, "/v1/documents");
    const byId = Object.fromEntries(body.documents.map((d: { docId: string }) => [d.docId, d]));
    expect(Object.keys(byId).sort()).toEqual(["bees", "glacier", "guides-orchard", "lighthouse"]);
    expect(byId["guides-orchard"]).toMatchObject({ title: "Orchard Handbook", author: "Ada Greenway", date: "2021-04-03", sourceFile: "guides/orchard.md" });
    expect(byId.bees).toMatchObject({ title: "Beekeeping Notes", author: "Tom Hive" });
    expect(byId.glacier).toMatchObject({ title: "Glacier Survey Report" });
    expect(byId.lighthouse).toMatchObject({ title: "lighthouse" });
    const bees = (await getJson(service.baseUrl, "/v1/documents/bees")).body;
    expect(bees.text).toContain("the hive runs out of room & the old queen");
    expect(bees.text).not.toContain("never indexed");
  });

  it("answers from a PDF with a citation that verifies and names its page", async () => {
    const { status, body } = await postJson(service.baseUrl, "/v1/ask", { question: "How far did the northern tongue of the glacier retreat?" });
    expect(status).toBe(200);
    expect(body.answerable).toBe(true);
    expect(body.answer).toContain("forty metres");
    expect(body.citations[0]).toMatchObject({ docId: "glacier", page: 2 });
    for (const c of body.citations) await verify(c);
  });

  it("answers from Markdown with the heading path, and from hard-wrapped text with whole sentences", async () => {
    const orchard = (await postJson(service.baseUrl, "/v1/ask", { question: "Why are apple trees pruned?" })).body;
    expect(orchard.answerable).toBe(true);
    expect(orchard.citations[0]).toMatchObject({ docId: "guides-orchard", headingPath: ["Orchard Handbook", "Pruning"] });
    const lighthouse = (await postJson(service.baseUrl, "/v1/ask", { question: "How often does the keeper polish the Fresnel lens?" })).body;
    expect(lighthouse.answerable).toBe(true);
    expect(lighthouse.citations[0].text).toMatch(/^The keeper trims the wick[\s\S]*beam\.$/);
    for (const c of [...orchard.citations, ...lighthouse.citations]) await verify(c);
  });
});

describe("adding and deleting documents over the API", () => {
  it("refuses without the admin token, and refuses bad uploads with clear 4xx errors", async () => {
    expect((await upload("a.txt", "Some text.", null)).status).toBe(401);
    expect((await upload("a.txt", "Some text.", "wrong")).body.error.code).toBe("unauthorized");
    const docx = await upload("report.docx", "binary");
    expect(docx).toMatchObject({ status: 415, body: { error: { code: "unsupported_media_type" } } });
    const broken = await upload("broken.pdf", "%PDF-1.7 this is not a real PDF");
    expect(broken).toMatchObject({ status: 422, body: { error: { code: "invalid_document" } } });
    const json = await fetch(`${service.baseUrl}/v1/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ file: "x" }),
    });
    expect(json.status).toBe(415);
    const tooBig = await upload("big.txt", "x".repeat(21 * 1024 * 1024));
    expect(tooBig).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    expect((await readdir(corpusDir)).sort()).toEqual(["bees.html", "glacier.pdf", "guides", "lighthouse.txt", "notes.docx"]);
  });

  it("adds a document incrementally, answers from it, then deletes it", async () => {
    const added = await upload("volcanoes.txt", "Mount Ember erupted in 1821 and buried the valley under ash.\n");
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ docId: "volcanoes", status: "added", document: { title: "volcanoes", sourceFile: "volcanoes.txt" } });
    expect(added.body.index.reason).toMatch(/1 added, 0 changed, 0 removed, 4 kept/);
    const answer = (await postJson(service.baseUrl, "/v1/ask", { question: "When did Mount Ember erupt?" })).body;
    expect(answer.answerable).toBe(true);
    expect(answer.citations[0].docId).toBe("volcanoes");
    await verify(answer.citations[0]);

    const replaced = await upload("volcanoes.txt", "Mount Ember erupted in 1822 and buried the valley under ash.\n");
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ docId: "volcanoes", status: "replaced" });
    expect(replaced.body.index.reason).toMatch(/0 added, 1 changed, 0 removed, 4 kept/);
    const again = (await postJson(service.baseUrl, "/v1/ask", { question: "When did Mount Ember erupt?" })).body;
    expect(again.answer).toContain("1822");

    const deleted = await fetch(`${service.baseUrl}/v1/documents/volcanoes`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { index: { reason: string } }).index.reason).toMatch(/0 added, 0 changed, 1 removed, 4 kept/);
    expect((await getJson(service.baseUrl, "/v1/documents/volcanoes")).status).toBe(404);
    const after = (await postJson(service.baseUrl, "/v1/ask", { question: "When did Mount Ember erupt?" })).body;
    expect(after.citations.every((c: { docId: string }) => c.docId !== "volcanoes")).toBe(true);
    expect((await readdir(corpusDir)).includes("volcanoes.txt")).toBe(false);
    const missing = await fetch(`${service.baseUrl}/v1/documents/volcanoes`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(404);
  });
});
