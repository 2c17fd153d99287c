import { mkdir, readdir, readFile, rename, rm, open } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";
import { INDEX_FORMAT_VERSION, type IndexManifest } from "./indexManifest.js";

/** Where the parts of one build live inside its directory. */
export const BUILD_FILES = {
  manifest: "manifest.json",
  documents: "documents.json",
  chunkVectors: "chunks.hnsw",
  spanDocuments: "span-documents.json",
  chunks: "chunk-spans.i32",
  sentences: "sentence-spans.i32",
  sentenceVectors: "sentences.i8",
  sentenceScales: "sentence-scales.f32",
  terms: "terms.json",
  lexicalOffsets: "lexical-offsets.i32",
  lexicalIds: "lexical-ids.i32",
  lexicalScores: "lexical-scores.f32",
  forwardOffsets: "forward-offsets.i32",
  forwardTerms: "forward-terms.i32",
  forwardScores: "forward-scores.f32",
  sentenceTermOffsets: "sentence-term-offsets.i32",
  sentenceTermIds: "sentence-term-ids.i32",
} as const;

const CURRENT = "CURRENT";
const BUILD_PREFIX = "build-";
const TEMP_PREFIX = ".tmp-";

/** The live build's directory and manifest, or null when there is none or it cannot be read. */
export async function readCurrentBuild(indexDir: string): Promise<{ dir: string; manifest: IndexManifest } | null> {
  let name: string;
  try {
    name = (await readFile(path.join(indexDir, CURRENT), "utf8")).trim();
  } catch {
    return null;
  }
  if (!name.startsWith(BUILD_PREFIX) || name.includes("/")) return null;
  const dir = path.join(indexDir, name);
  try {
    const manifest = JSON.parse(await readFile(path.join(dir, BUILD_FILES.manifest), "utf8")) as IndexManifest;
    return { dir, manifest };
  } catch {
    return null;
  }
}

export function assertCompatible(manifest: IndexManifest, dir: string): void {
  if (manifest.formatVersion !== INDEX_FORMAT_VERSION) {
    throw new RagError(
      "index_incompatible",
      `Index ${dir} has format version ${manifest.formatVersion}; this build reads version ${INDEX_FORMAT_VERSION}. Run npm run ingest to rebuild it.`,
    );
  }
}

/**
 * Writes a complete build and makes it live atomically: files go into a temp
 * directory, which is renamed into place, and only then does CURRENT (itself
 * replaced by rename) point at it. A crash at any step leaves the old build live.
 */
export async function publishBuild(
  indexDir: string,
  manifest: IndexManifest,
  writeParts: (tempDir: string) => Promise<void>,
): Promise<string> {
  await mkdir(indexDir, { recursive: true });
  // A fresh name per build: a forced rebuild of the same fingerprint never touches the live directory.
  const name = `${BUILD_PREFIX}${manifest.fingerprint.slice(0, 16)}-${Date.now().toString(36)}`;
  const tempDir = path.join(indexDir, `${TEMP_PREFIX}${process.pid}-${Date.now()}`);
  await mkdir(tempDir);
  try {
    await writeParts(tempDir);
    await writeDurably(path.join(tempDir, BUILD_FILES.manifest), JSON.stringify(manifest, null, 2) + "\n");
    await rename(tempDir, path.join(indexDir, name));
    const currentTemp = path.join(indexDir, `${TEMP_PREFIX}${CURRENT}-${process.pid}`);
    await writeDurably(currentTemp, name + "\n");
    await rename(currentTemp, path.join(indexDir, CURRENT));
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  await removeLeftovers(indexDir, name);
  return path.join(indexDir, name);
}

async function writeDurably(file: string, content: string): Promise<void> {
  const handle = await open(file, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes superseded builds and temp dirs of processes that no longer run. */
async function removeLeftovers(indexDir: string, liveName: string): Promise<void> {
  for (const entry of await readdir(indexDir)) {
    const isOldBuild = entry.startsWith(BUILD_PREFIX) && entry !== liveName;
    if (isOldBuild || isDeadTemp(entry)) await rm(path.join(indexDir, entry), { recursive: true, force: true });
  }
}

/** Removes the temp dirs of builds whose process died (kill -9 mid-write), so repeated crashes leave no growing litter. */
export async function removeDeadTemps(indexDir: string): Promise<void> {
  for (const entry of await readdir(indexDir).catch(() => [] as string[])) {
    if (isDeadTemp(entry)) await rm(path.join(indexDir, entry), { recursive: true, force: true });
  }
}

function isDeadTemp(entry: string): boolean {
  const owner = entry.startsWith(TEMP_PREFIX) ? Number(/^\.tmp-(?:CURRENT-)?(\d+)/.exec(entry)?.[1]) : NaN;
  return Number.isInteger(owner) && !isRunning(owner);
}

export function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
