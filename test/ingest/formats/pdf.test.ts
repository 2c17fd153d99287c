import { PDFDocument, PDFHexString, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { extractionError } from "../../helpers/extractionError.js";
import { extractDocument, locationAt } from "../../../src/ingest/formats/extract.js";

interface PageSpec {
  header?: string[];
  footer?: string;
  /** Body lines, top down, in 11 pt or [text, size]; "" leaves a paragraph gap. */
  body: (string | [string, number])[];
}

/** A PDF with a real text layer, written the way word processors lay out pages: header, body, footer at fixed heights. */
async function makePdf(pages: PageSpec[], info: { title?: string; author?: string; created?: Date } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  if (info.title) doc.setTitle(info.title);
  if (info.author) doc.setAuthor(info.author);
  if (info.created) doc.setCreationDate(info.created);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const spec of pages) {
    const page = doc.addPage([595, 842]);
    spec.header?.forEach((line, i) => write(page, font, line, 800 - i * 11, 9));
    let y = 740;
    for (const line of spec.body) {
      const [text, size] = typeof line === "string" ? [line, 11] : line;
      if (text) write(page, font, text, y, size);
      y -= text ? size + 3 : 10;
    }
    if (spec.footer) write(page, font, spec.footer, 40, 9);
  }
  return doc.save();
}

const write = (page: PDFPage, font: PDFFont, text: string, y: number, size: number) => page.drawText(text, { x: 56, y, size, font });


const HEADER = ["ACME Quarterly Report — Confidential"];
const REPORT: PageSpec[] = [
  { footer: "Page 1 of 4", body: ["Quarterly Report", "", "Revenue grew in the third quarter, driven by", "exports to new markets and a stronger yen."] },
  { header: HEADER, footer: "Page 2 of 4", body: ["Costs fell as the company renegotiated supply con-", "tracts with its two largest vendors.", "", "Staffing stayed flat."] },
  { header: HEADER, footer: "Page 3 of 4", body: ["Outlook: management expects modest growth", "through the end of the fiscal year."] },
  { header: HEADER, footer: "Page 4 of 4", body: ["Appendix: figures are unaudited."] },
];

describe("PDF", () => {
  it("joins lines with \\n, paragraphs with a blank line and pages with \\n\\n, dropping running headers and footers", async () => {
    const doc = await extractDocument(await makePdf(REPORT), "report.pdf");
    expect(doc.text).toBe(
      [
        "Quarterly Report\n\nRevenue grew in the third quarter, driven by\nexports to new markets and a stronger yen.",
        "Costs fell as the company renegotiated supply con-\ntracts with its two largest vendors.\n\nStaffing stayed flat.",
        "Outlook: management expects modest growth\nthrough the end of the fiscal year.",
        "Appendix: figures are unaudited.",
      ].join("\n\n"),
    );
    expect(doc.text).not.toMatch(/ACME|Page \d/);
  });

  it("gives one location per page, 1-based", async () => {
    const doc = await extractDocument(await makePdf(REPORT), "report.pdf");
    expect(doc.locations).toEqual([
      { start: 0, page: 1 },
      { start: doc.text.indexOf("Costs fell"), page: 2 },
      { start: doc.text.indexOf("Outlook"), page: 3 },
      { start: doc.text.indexOf("Appendix"), page: 4 },
    ]);
    expect(locationAt(doc.locations, doc.text.indexOf("tracts with"))).toEqual({ page: 2 });
    expect(locationAt(doc.locations, doc.text.length - 1)).toEqual({ page: 4 });
  });

  it("reads Title, Author and CreationDate from the info dictionary", async () => {
    const bytes = await makePdf(REPORT, { title: "Quarterly Report Q3", author: "Finance Team", created: new Date("2024-03-05T10:20:30Z") });
    expect((await extractDocument(bytes, "report.pdf")).metadata).toEqual({ title: "Quarterly Report Q3", author: "Finance Team", date: "2024-03-05" });
    expect((await extractDocument(await makePdf(REPORT), "report.pdf")).metadata).toEqual({});
    const exported = await makePdf(REPORT, { title: "Microsoft Word - draft_v3.docx" });
    expect((await extractDocument(exported, "report.pdf")).metadata).toEqual({});
  });

  it("peels a header of up to two lines, digits aside, and skips pages without text", async () => {
    const header = ["Annual Review 2024", "Chapter notes, revision 12"];
    const pages: PageSpec[] = [
      { header, body: ["Summary", "First page body."] },
      { header, body: ["Summary", "Second page body."] },
      { body: [] },
      { header: ["Annual Review 2024", "Chapter notes, revision 13"], body: ["Third text page."] },
    ];
    const doc = await extractDocument(await makePdf(pages), "review.pdf");
    // "Summary" tops two of the three pages once the header is gone, but a third line is body text, not header.
    expect(doc.text).toBe("Summary\nFirst page body.\n\nSummary\nSecond page body.\n\nThird text page.");
    expect(doc.locations.map((l) => l.page)).toEqual([1, 2, 4]);
  });

  it("drops a header that changes with the chapter but carries the page number in sequence", async () => {
    const chapters = ["Introduction", "Introduction", "Methods and data", "Results", "Results", "Discussion"];
    const pages: PageSpec[] = chapters.map((chapter, i) => ({
      header: [i % 2 ? `Chapter ${i + 1}: ${chapter} ${i + 11}` : `${i + 11} Annual Survey of Things`],
      // Numbered headings in step with the pages, but set larger than the body: not running lines.
      body: [[`${i + 1} ${chapter}`, 16], `The ${["first", "second", "third", "fourth", "fifth", "sixth"][i]} page's text.`],
    }));
    const doc = await extractDocument(await makePdf(pages), "book.pdf");
    expect(doc.text).toBe(pages.map((page) => page.body.map((l) => (typeof l === "string" ? l : l[0])).join("\n")).join("\n\n"));
  });

  it("keeps repeated lines when there are too few pages to tell a running header", async () => {
    const pages: PageSpec[] = [
      { header: HEADER, body: ["One."], footer: "Page 1 of 2" },
      { header: HEADER, body: ["Two."], footer: "Page 2 of 2" },
    ];
    const doc = await extractDocument(await makePdf(pages), "short.pdf");
    // The footer's distance from the body reads as a paragraph break.
    expect(doc.text).toBe(`${HEADER[0]}\nOne.\n\nPage 1 of 2\n\n${HEADER[0]}\nTwo.\n\nPage 2 of 2`);
  });

  it("refuses a PDF without a text layer, naming it and why", async () => {
    const doc = await PDFDocument.create();
    for (let i = 0; i < 2; i++) doc.addPage().drawRectangle({ x: 10, y: 10, width: 100, height: 100 });
    expect((await extractionError(await doc.save(), "scan.pdf")).message).toMatch(/no text layer.*OCR/);
  });

  it("refuses corrupt, empty and password-protected files", async () => {
    const good = await makePdf(REPORT);
    expect((await extractionError(new TextEncoder().encode("%PDF-1.7\nnot really"), "garbage.pdf")).message).toMatch(/not a readable PDF/);
    await extractionError(good.subarray(0, good.length / 2), "truncated.pdf");
    await extractionError(new Uint8Array(0), "empty.pdf");

    const locked = await PDFDocument.create();
    locked.addPage().drawText("secret", { x: 50, y: 700 });
    // A Standard security handler whose user password is not empty: no reader can open it without one.
    const { context } = locked;
    const key = PDFHexString.of("ab".repeat(32));
    context.trailerInfo.Encrypt = context.register(context.obj({ Filter: "Standard", V: 1, R: 2, O: key, U: key, P: -4 }));
    context.trailerInfo.ID = context.obj([PDFHexString.of("00".repeat(16)), PDFHexString.of("00".repeat(16))]);
    expect((await extractionError(await locked.save({ useObjectStreams: false }), "locked.pdf")).message).toMatch(/password-protected/);
  });

  it("leaves the caller's bytes usable", async () => {
    const bytes = await makePdf(REPORT);
    const copy = bytes.slice();
    await extractDocument(bytes, "report.pdf");
    expect(bytes).toEqual(copy);
    expect(Buffer.isBuffer(Buffer.from(bytes))).toBe(true);
    expect((await extractDocument(Buffer.from(bytes), "report.pdf")).locations).toHaveLength(4);
  });
});
