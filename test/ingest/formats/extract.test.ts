import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractionError } from "../../helpers/extractionError.js";
import { EXTRACTOR_VERSION, SUPPORTED_EXTENSIONS, extractDocument, locationAt } from "../../../src/ingest/formats/extract.js";
import { isoDate } from "../../../src/ingest/formats/metadata.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const BOM = [0xef, 0xbb, 0xbf];


describe("extractDocument", () => {
  it("names the supported extensions and a version", () => {
    expect(SUPPORTED_EXTENSIONS).toEqual([".txt", ".md", ".markdown", ".html", ".htm", ".pdf"]);
    expect(EXTRACTOR_VERSION).toMatch(/\S/);
  });

  it("reads .txt verbatim, hard wraps and hyphenation kept, BOM dropped, nothing stated", async () => {
    const text = "Café in Tōkyō 😀\r\nA line that ends in a hyphen-\nated word.\n\n  Indented.\n";
    expect(await extractDocument(new Uint8Array([...BOM, ...utf8(text)]), "notes.TXT")).toEqual({ text, metadata: {}, locations: [] });
    expect((await extractDocument(new Uint8Array(0), "empty.txt")).text).toBe("");
  });

  it("refuses text that is not UTF-8, saying where", async () => {
    const latin1 = new Uint8Array([...utf8("Caf"), 0xe9, ...utf8(" au lait")]);
    expect((await extractionError(latin1, "a.txt")).message).toMatch(/not valid UTF-8.*byte 3/);
    expect((await extractionError(new Uint8Array([...utf8("ok "), 0xe2, 0x82]), "b.txt")).message).toMatch(/cut short/);
    const utf16 = new Uint8Array([...utf8("h")].flatMap((b) => [b, 0]));
    expect((await extractionError(utf16, "c.txt")).message).toMatch(/NUL/);
  });

  it("refuses other extensions", async () => {
    expect((await extractionError(utf8("x"), "report.docx")).message).toMatch(/unsupported file type.*\.pdf/);
    await extractionError(utf8("x"), "README");
  });

  it("imports no parser until a file needs it", () => {
    // extract.ts's static import graph must reach no package: each parser is imported dynamically.
    const dir = fileURLToPath(new URL("../../../src/ingest/formats/", import.meta.url));
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, typeOnly, spec] of readFileSync(file, "utf8").matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gm)) {
        if (typeOnly) continue;
        if (spec!.startsWith(".")) visit(path.resolve(path.dirname(file), spec!.replace(/\.js$/, ".ts")));
        else expect(spec, `${path.basename(file)} imports ${spec} statically`).toMatch(/^node:/);
      }
    };
    visit(path.join(dir, "extract.ts"));
    expect([...seen].map((f) => path.basename(f)).sort()).toEqual(["errors.ts", "extract.ts", "locate.ts", "metadata.ts", "txt.ts"]);
  });
});

describe("locationAt", () => {
  const locations = [
    { start: 5, headingPath: ["A"] },
    { start: 20, headingPath: ["A", "B"] },
    { start: 20, headingPath: ["C"] },
    { start: 40, page: 3 },
  ];
  it("gives the last location starting at or before the offset", () => {
    expect(locationAt(locations, 0)).toEqual({});
    expect(locationAt(locations, 5)).toEqual({ headingPath: ["A"] });
    expect(locationAt(locations, 19)).toEqual({ headingPath: ["A"] });
    expect(locationAt(locations, 20)).toEqual({ headingPath: ["C"] });
    expect(locationAt(locations, 1e9)).toEqual({ page: 3 });
    expect(locationAt([], 3)).toEqual({});
  });
});

describe("isoDate", () => {
  it("keeps the stated calendar date at its precision", () => {
    expect(isoDate("2023")).toBe("2023");
    expect(isoDate(2023)).toBe("2023");
    expect(isoDate("2023-04")).toBe("2023-04");
    expect(isoDate(" 2024-02-29 ")).toBe("2024-02-29");
    expect(isoDate("2024-02-29T23:30:00-05:00")).toBe("2024-02-29");
    expect(isoDate("March 5, 2024")).toBe("2024-03-05");
    expect(isoDate("Tue, 05 Mar 2024 10:20:30 GMT")).toBe("2024-03-05");
    expect(isoDate(new Date(Date.UTC(2020, 0, 2)))).toBe("2020-01-02");
  });
  it("states nothing for what is not a date", () => {
    for (const value of ["2023-02-30", "2023-13", "sometime in spring", "", undefined, null, 12.5, {}]) expect(isoDate(value), String(value)).toBeUndefined();
  });
});
