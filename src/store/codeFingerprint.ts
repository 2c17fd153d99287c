import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RagError } from "../errors.js";

/**
 * Where a build's content is decided, relative to src/. The embedding worker is
 * started from a URL, not imported, so the walk could not find it by itself.
 */
export const BUILD_ENTRY_POINTS = ["ingest/buildIndex.ts", "embed/embedWorker.ts", "embed/localEmbeddings.ts"] as const;

// Static imports and re-exports at the start of a line (so a comment that quotes
// one is not followed) and dynamic imports, of relative specifiers. Type-only
// ones are erased by the compiler and cannot change a build: following them
// would rebuild the index whenever a shared type such as the API's changes.
const RELATIVE_IMPORT =
  /^[ \t]*(?:import|export)\s+(type\s+)?(?:[\w$*{][^;]*?\bfrom\s*)?["'](\.\.?\/[^"']+)["']|\bimport\(\s*["'](\.\.?\/[^"']+)["']\s*\)/gm;

/**
 * The contents of the modules reachable from `roots` through relative imports,
 * by path relative to `sourceRoot` (with "/"), in sorted order. Read
 * synchronously: 1 ms for the ~20 files, where a round of asynchronous reads
 * per level of imports took 5.
 */
export function buildModules(sourceRoot: string, roots: readonly string[] = BUILD_ENTRY_POINTS): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const pending = [...roots];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (found.has(file)) continue;
    const source = readSource(sourceRoot, file);
    found.set(file, source);
    for (const [, typeOnly, specifier = "", dynamic = ""] of source.toString("utf8").matchAll(RELATIVE_IMPORT)) {
      // Sources import "./x.js"; the file beside them is x.ts.
      if (!typeOnly) pending.push(path.posix.join(path.posix.dirname(file), specifier || dynamic).replace(/\.js$/, ".ts"));
    }
  }
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Hash of the paths and contents of the modules that shape a build, read from `sourceRoot` (a package's src/). */
export function hashBuildCode(sourceRoot: string, roots: readonly string[] = BUILD_ENTRY_POINTS): string {
  const hash = createHash("sha256");
  for (const [file, content] of buildModules(sourceRoot, roots)) hash.update(`${file}\0${content.length}\0`).update(content);
  return hash.digest("hex");
}

/**
 * The src/ of the package that holds `moduleUrl`, whether it runs from the
 * TypeScript sources or from their compilation in dist/: both then hash the
 * same files and agree on the fingerprint.
 */
export function sourceRootOf(moduleUrl: string): string {
  const start = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) {
      const sourceRoot = path.join(dir, "src");
      if (!existsSync(sourceRoot)) throw missingSources(`There is no directory ${sourceRoot}`);
      return sourceRoot;
    }
    if (path.dirname(dir) === dir) throw missingSources(`Found no package.json in ${start} or above it, so no src/ beside it`);
  }
}

let cached: string | undefined;

/** The package that runs the model: another version may give other vectors. */
export const MODEL_RUNTIME = "@huggingface/transformers";

/** Hash of this package's code that shapes a build, and of the model runtime's version; computed once per process. */
export function codeFingerprint(): string {
  cached ??= createHash("sha256")
    .update(`${hashBuildCode(sourceRootOf(import.meta.url))}\0${MODEL_RUNTIME}@${installedVersion(MODEL_RUNTIME)}`)
    .digest("hex");
  return cached;
}

/** Read from the package's package.json: importing the runtime would load it into a process that otherwise never needs it. */
export function installedVersion(packageName: string): string {
  const entry = createRequire(import.meta.url).resolve(packageName);
  for (let dir = path.dirname(entry); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
    if (name === packageName && version) return version;
  }
  throw new RagError("internal_error", `Cannot find the version of ${packageName} installed at ${entry}.`);
}

function readSource(sourceRoot: string, file: string): Buffer {
  try {
    return readFileSync(path.join(sourceRoot, file));
  } catch (cause) {
    throw missingSources(`Cannot read ${file} in ${sourceRoot} (${(cause as Error).message})`, cause);
  }
}

const missingSources = (problem: string, cause?: unknown) =>
  new RagError(
    "index_incompatible",
    `${problem}: the TypeScript sources of the code that builds the index are needed to tell whether index/ was built by this code. ` +
      "Run the service from a checkout or package that includes src/ beside dist/.",
    { cause },
  );
