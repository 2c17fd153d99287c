import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SHARED_TEST_INDEX } from "../helpers/server.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

async function cli(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(tsx, [path.join(root, "src/cli", script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("command line", () => {
  it("npm run ask prints the answer and its citations with title, quote and offsets", async () => {
    const result = await cli("ask.ts", ["Where was the July 2022 Ukraine Recovery Conference held?"], { INDEX_DIR: SHARED_TEST_INDEX });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Lugano");
    expect(result.stdout).toMatch(/\[1\] .+ \(diplomatic-bluebook-2023-japans-response, characters \d+–\d+, score [\d.]+\)/);
    expect(result.stdout).toMatch(/“.*Lugano.*”/);
  });

  // One load-or-rebuild path (openIndex) behind every command: a damaged build is rebuilt with the reason, never a stack trace.
  it.each([
    ["ask.ts", ["When was the Ukraine Recovery Conference held in Lugano?"], "chunks.hnsw", "chunks.hnsw could not be read"],
    ["ingest.ts", [], "sentences.i8", "sentences.i8 holds 2 vectors for"],
  ])("npm run %s rebuilds a build whose %s is damaged, and says why", async (script, args, file, why) => {
    const index = await mkdtemp(path.join(os.tmpdir(), "damaged-index-"));
    try {
      await cli("ingest.ts", [], { INDEX_DIR: SHARED_TEST_INDEX });
      await cp(SHARED_TEST_INDEX, index, { recursive: true });
      const damaged = path.join(index, (await readFile(path.join(index, "CURRENT"), "utf8")).trim(), file);
      await writeFile(damaged, (await readFile(damaged)).subarray(0, 1000));
      const result = await cli(script, args, { INDEX_DIR: index });
      expect(result.stderr).not.toContain("Unexpected error");
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).toMatch(new RegExp(`Built index in .* \\(the live build could not be read: .*${why}`));
      if (script === "ask.ts") expect(result.stdout).toContain("[1]");
      const again = await cli("ingest.ts", [], { INDEX_DIR: index });
      expect(again.stdout).toContain("Index up to date");
    } finally {
      await rm(index, { recursive: true, force: true });
    }
  });

  it("exits with one clear sentence when the model is missing", async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), "no-models-"));
    const index = await mkdtemp(path.join(os.tmpdir(), "no-index-"));
    try {
      const result = await cli("ingest.ts", [], { MODELS_DIR: empty, INDEX_DIR: index });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n").filter((l) => !/^(?:Reading|Embedding)\b/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error: Embedding model Xenova\/all-MiniLM-L6-v2 .* missing .* in .*; .*MODELS_DIR/);
      expect(lines[0]).toContain(empty);
    } finally {
      await rm(empty, { recursive: true, force: true });
      await rm(index, { recursive: true, force: true });
    }
  });

  it("rejects an invalid setting naming the variable", async () => {
    const result = await cli("ingest.ts", [], { CHUNK_MAX_CHARS: "lots", INDEX_DIR: SHARED_TEST_INDEX });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("CHUNK_MAX_CHARS");
  });
});
