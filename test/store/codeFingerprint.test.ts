import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildModules, codeFingerprint, hashBuildCode, installedVersion, MODEL_RUNTIME, sourceRootOf } from "../../src/store/codeFingerprint.js";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

let root: string;
let copy: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "rag-code-"));
  copy = path.join(root, "src");
  await cp(SRC, copy, { recursive: true });
  await writeFile(path.join(root, "package.json"), JSON.stringify({ type: "module" }));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the code that shapes a build", () => {
  it("is found by following the imports from the build and the embedding worker, and nothing that only serves queries", async () => {
    const files = [...(buildModules(SRC)).keys()];
    expect(files).toEqual([...files].sort());
    for (const file of ["ingest/buildIndex.ts", "retrieval/terms.ts", "ingest/sentences.ts", "ingest/chunk.ts", "retrieval/lexicalPostings.ts", "embed/embedWorker.ts", "embed/localEmbeddings.ts", "embed/meanPooling.ts"]) {
      expect(files).toContain(file);
    }
    for (const file of ["server/app.ts", "rag.ts", "retrieval/retrieve.ts", "embed/workerEmbedder.ts"]) expect(files).not.toContain(file);
    // Imported for types only: erased by the compiler, it cannot change a build.
    expect(files).not.toContain("types.ts");
  });

  it("hashes to another value when one of those files changes, and only then", async () => {
    const original = hashBuildCode(copy);
    expect(original).toBe(hashBuildCode(SRC));
    await appendFile(path.join(copy, "server/app.ts"), "\n// not part of a build\n");
    expect(hashBuildCode(copy)).toBe(original);

    const terms = path.join(copy, "retrieval/terms.ts");
    const text = await readFile(terms, "utf8");
    await appendFile(terms, '\nSTOPWORDS.add("ukraine");\n');
    expect(hashBuildCode(copy)).not.toBe(original);
    await writeFile(terms, text);
    expect(hashBuildCode(copy)).toBe(original);
  });

  it("covers a new module as soon as the build imports it, and a missing one fails naming where it looked", async () => {
    const chunk = path.join(copy, "ingest/chunk.ts");
    await writeFile(chunk, 'import { widen } from "./widen.js";\n' + (await readFile(chunk, "utf8")));
    expect(() => hashBuildCode(copy)).toThrow(expect.objectContaining({ code: "index_incompatible", message: expect.stringContaining(`ingest/widen.ts in ${copy}`) }));
    await writeFile(path.join(copy, "ingest/widen.ts"), "export const widen = 1;\n");
    expect([...(buildModules(copy)).keys()]).toContain("ingest/widen.ts");
  });

  it("reads the sources in src/ beside dist/ when run compiled, and fails naming the directory when they are missing", async () => {
    const compiled = pathToFileURL(path.join(root, "dist/store/codeFingerprint.js")).href;
    expect(sourceRootOf(compiled)).toBe(copy);
    expect(sourceRootOf(pathToFileURL(path.join(copy, "store/codeFingerprint.ts")).href)).toBe(copy);
    await rm(copy, { recursive: true });
    expect(() => sourceRootOf(compiled)).toThrow(expect.objectContaining({ code: "index_incompatible", message: expect.stringContaining(copy) }));
  });

  it("gives the same fingerprint, the code's and the model runtime's version, run from the compiled JavaScript in dist/ as from the TypeScript sources", async () => {
    // The compiled copy finds the runtime's version where an installed package would: in node_modules.
    await symlink(fileURLToPath(new URL("../../node_modules", import.meta.url)), path.join(root, "node_modules"));
    // The module and what it imports, compiled as `tsc -b tsconfig.build.json` would into dist/.
    for (const [file, source] of buildModules(copy, ["store/codeFingerprint.ts"])) {
      const { outputText } = ts.transpileModule(source.toString(), { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } });
      const out = path.join(root, "dist", file.replace(/\.ts$/, ".js"));
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, outputText);
    }
    const url = pathToFileURL(path.join(root, "dist/store/codeFingerprint.js")).href;
    const script = `const { codeFingerprint } = await import(${JSON.stringify(url)}); console.log(codeFingerprint());`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
    expect(installedVersion(MODEL_RUNTIME)).toMatch(/^\d+\.\d+\.\d+/);
    const expected = createHash("sha256").update(`${hashBuildCode(copy)}\0${MODEL_RUNTIME}@${installedVersion(MODEL_RUNTIME)}`).digest("hex");
    expect(stdout.trim()).toBe(expected);
    expect(codeFingerprint()).toBe(expected);
  });
});
