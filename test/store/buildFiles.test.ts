import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RagError } from "../../src/errors.js";
import { assertCompatible, BUILD_FILES, publishBuild, readCurrentBuild } from "../../src/store/buildFiles.js";
import { fingerprintOf, settingsFingerprintOf, INDEX_FORMAT_VERSION, type IndexManifest, type IndexSettings } from "../../src/store/indexManifest.js";

// Lets one test make the rename of a finished build fail, as a crash at that step would.
const faults = vi.hoisted(() => ({ failRenameInto: null as string | null }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const path = await import("node:path");
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const rename: typeof actual.rename = async (from, to) => {
    const target = String(to);
    if (faults.failRenameInto !== null && path.dirname(target) === faults.failRenameInto && path.basename(target).startsWith("build-")) {
      throw new Error("simulated crash during rename");
    }
    return actual.rename(from, to);
  };
  return { ...actual, default: { ...actual, rename }, rename };
});

function manifestFor(corpusHash: string, overrides: Partial<IndexManifest> = {}): IndexManifest {
  const settings: IndexSettings = {
    model: { id: "Xenova/all-MiniLM-L6-v2", quantized: true },
    chunking: { maxChars: 600, overlapChars: 200 },
    hnsw: { m: 16, efConstruction: 200, efSearch: 64 },
    bm25: { k1: 1.2, b: 0.7, delta: 0.5 },
    corpusHash,
    codeHash: "code",
  };
  return {
    ...settings,
    formatVersion: INDEX_FORMAT_VERSION,
    fingerprint: fingerprintOf(settings),
    settingsFingerprint: settingsFingerprintOf(settings),
    createdAt: "2024-01-01T00:00:00.000Z",
    dimensions: 384,
    counts: { documents: 1, chunks: 2, sentences: 3 },
    ...overrides,
  };
}

const writeChunks = (content: string) => async (dir: string) => {
  await writeFile(path.join(dir, BUILD_FILES.chunks), content);
};

let indexDir: string;

beforeEach(async () => {
  indexDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-buildfiles-"));
});

afterEach(async () => {
  faults.failRenameInto = null;
  await rm(indexDir, { recursive: true, force: true });
});

describe("publishBuild and readCurrentBuild", () => {
  it("finds no build in an empty directory", async () => {
    expect(await readCurrentBuild(indexDir)).toBeNull();
    expect(await readCurrentBuild(path.join(indexDir, "does-not-exist"))).toBeNull();
  });

  it("writes build-<fingerprint prefix>-<stamp>/ with the manifest and parts, and points CURRENT at it", async () => {
    const manifest = manifestFor("corpus-a");
    const dir = await publishBuild(indexDir, manifest, writeChunks("[1]"));
    const name = path.basename(dir);

    expect(path.dirname(dir)).toBe(indexDir);
    expect(name.startsWith(`build-${manifest.fingerprint.slice(0, 16)}-`)).toBe(true);
    expect((await readFile(path.join(indexDir, "CURRENT"), "utf8")).trim()).toBe(name);
    expect(JSON.parse(await readFile(path.join(dir, BUILD_FILES.manifest), "utf8"))).toEqual(manifest);
    expect(await readFile(path.join(dir, BUILD_FILES.chunks), "utf8")).toBe("[1]");
    expect((await readdir(indexDir)).sort()).toEqual(["CURRENT", name]);
    expect(await readCurrentBuild(indexDir)).toEqual({ dir, manifest });
  });

  it("switches CURRENT to a new fingerprint and deletes the old build", async () => {
    const first = manifestFor("corpus-a");
    const second = manifestFor("corpus-b");
    expect(second.fingerprint).not.toBe(first.fingerprint);
    const oldDir = await publishBuild(indexDir, first, writeChunks("old"));
    const newDir = await publishBuild(indexDir, second, writeChunks("new"));

    expect(newDir).not.toBe(oldDir);
    expect(await readCurrentBuild(indexDir)).toEqual({ dir: newDir, manifest: second });
    expect((await readdir(indexDir)).sort()).toEqual(["CURRENT", path.basename(newDir)]);
    expect(await readFile(path.join(newDir, BUILD_FILES.chunks), "utf8")).toBe("new");
  });

  it("keeps the previous build live when writing the parts fails midway", async () => {
    const first = manifestFor("corpus-a");
    const firstDir = await publishBuild(indexDir, first, writeChunks("old"));

    const crash = publishBuild(indexDir, manifestFor("corpus-b"), async (dir) => {
      await writeFile(path.join(dir, BUILD_FILES.chunks), "half");
      throw new Error("simulated crash while writing parts");
    });
    await expect(crash).rejects.toThrow("simulated crash while writing parts");

    expect(await readCurrentBuild(indexDir)).toEqual({ dir: firstDir, manifest: first });
    expect(await readFile(path.join(firstDir, BUILD_FILES.chunks), "utf8")).toBe("old");
    const entries = await readdir(indexDir);
    expect(entries.filter((e) => e.startsWith(".tmp-"))).toEqual([]);
    expect(entries.sort()).toEqual(["CURRENT", path.basename(firstDir)]);
  });

  it("removes temp directories left behind by processes that no longer run", async () => {
    const stale = path.join(indexDir, ".tmp-999999999-1700000000000");
    await mkdir(stale);
    await writeFile(path.join(stale, BUILD_FILES.chunks), "stale");
    await publishBuild(indexDir, manifestFor("corpus-a"), writeChunks("[]"));
    expect((await readdir(indexDir)).filter((e) => e.startsWith(".tmp-"))).toEqual([]);
  });

  it("republishes the same fingerprint (ingest --force) into a new directory and drops the old one", async () => {
    const manifest = manifestFor("corpus-a");
    const first = await publishBuild(indexDir, manifest, writeChunks("one"));
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await publishBuild(indexDir, manifest, writeChunks("two"));
    expect(second).not.toBe(first);
    expect(await readFile(path.join(second, BUILD_FILES.chunks), "utf8")).toBe("two");
    expect(await readCurrentBuild(indexDir)).toEqual({ dir: second, manifest });
    expect((await readdir(indexDir)).sort()).toEqual(["CURRENT", path.basename(second)]);
  });

  // A forced rebuild used to delete the live directory before renaming its replacement in.
  it("keeps the live build when republishing the same fingerprint crashes at the rename", async () => {
    const manifest = manifestFor("corpus-a");
    const dir = await publishBuild(indexDir, manifest, writeChunks("one"));
    faults.failRenameInto = indexDir;
    await expect(publishBuild(indexDir, manifest, writeChunks("two"))).rejects.toThrow("simulated crash during rename");
    expect(await readCurrentBuild(indexDir)).toEqual({ dir, manifest });
  });

  it("ignores a CURRENT that does not name a build directory", async () => {
    await writeFile(path.join(indexDir, "CURRENT"), "../elsewhere\n");
    expect(await readCurrentBuild(indexDir)).toBeNull();
    await writeFile(path.join(indexDir, "CURRENT"), "build-0123456789abcdef\n");
    expect(await readCurrentBuild(indexDir)).toBeNull();
  });
});

describe("assertCompatible", () => {
  it("accepts a manifest of the current format version", () => {
    expect(() => assertCompatible(manifestFor("corpus-a"), "/idx/build-x")).not.toThrow();
  });

  it.each([INDEX_FORMAT_VERSION + 1, INDEX_FORMAT_VERSION - 1])("rejects format version %i as index_incompatible", (formatVersion) => {
    let caught: unknown;
    try {
      assertCompatible(manifestFor("corpus-a", { formatVersion }), "/idx/build-x");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RagError);
    expect((caught as RagError).code).toBe("index_incompatible");
    expect((caught as RagError).message).toContain("/idx/build-x");
    expect((caught as RagError).message).toContain(String(formatVersion));
    expect((caught as RagError).message).toContain("npm run ingest");
  });
});
