import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRag } from "../../src/rag.js";

// kill -9 of a real ingest process at several points: the previous build stays
// live and answers, nothing is left to grow, and two ingests at once never mix.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let work: string;
let corpusA: string;
let corpusB: string;
let indexDir: string;

const FACTS = [
  "The lighthouse on Gull Rock was first lit in 1843. Its keeper polished the lens every morning. The light could be seen for twenty miles.",
  "The orchard grows forty kinds of apple. Trees are pruned in late winter. The harvest festival is held in October.",
  "The glacier retreated two kilometres between 1950 and 2000. Meltwater feeds the river below. Scientists measure its speed each summer.",
];

function paragraphs(seed: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${seed} Record ${i + 1} notes the weather of day ${i + 1} in detail for the station's logbook.`).join("\n\n");
}

async function writeCorpus(dir: string, files: Record<string, string>) {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

/** Runs `npm run ingest`'s program; `killWhen` sees its stderr and says when to kill -9 it. */
function ingest(corpusDir: string, killWhen?: (stderr: string) => boolean) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/ingest.ts"], {
    cwd: root,
    env: { ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, EMBED_BATCH_SIZE: "4" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  let killed = false;
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => {
    stderr += String(d);
    if (killWhen && !killed && killWhen(stderr)) {
      killed = true;
      child.kill("SIGKILL");
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

async function currentBuild() {
  return (await readFile(path.join(indexDir, "CURRENT"), "utf8")).trim();
}

/** The previous build loads without a rebuild and answers from corpus A with a citation that verifies. */
async function expectOldBuildServes() {
  const rag = createRag({ corpusDir: corpusA, indexDir });
  try {
    const loaded = await rag.load();
    expect(loaded.status).toBe("unchanged");
    const answer = await rag.ask({ question: "When was the lighthouse on Gull Rock first lit?" });
    expect(answer.answerable).toBe(true);
    expect(answer.answer).toMatch(/1843/);
    for (const c of answer.citations) expect(rag.getDocument(c.docId).text.slice(c.start, c.end)).toBe(c.text);
  } finally {
    await rag.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "cited-rag-durability-"));
  corpusA = path.join(work, "a");
  corpusB = path.join(work, "b");
  indexDir = path.join(work, "index");
  const base = { "lighthouse.txt": `${FACTS[0]}\n\n${paragraphs("Gull Rock.", 30)}`, "orchard.txt": `${FACTS[1]}\n\n${paragraphs("Orchard.", 30)}` };
  await writeCorpus(corpusA, base);
  await writeCorpus(corpusB, { ...base, "glacier.txt": `${FACTS[2]}\n\n${paragraphs("Glacier.", 120)}` });
  const first = await ingest(corpusA);
  expect(first.code, first.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("kill -9 during an ingest", () => {
  const points: [string, (stderr: string) => boolean][] = [
    ["while loading the model", (s) => s.length > 0 || true],
    ["while embedding", (s) => /Embedding/.test(s)],
    ["while linking the vector graph", (s) => /Vector graph/.test(s)],
  ];
  for (const [when, killWhen] of points) {
    it(`leaves the previous build live and answering when killed ${when}`, async () => {
      const before = await currentBuild();
      const run = await ingest(corpusB, killWhen);
      expect(run.signal).toBe("SIGKILL");
      expect(await currentBuild()).toBe(before);
      await expectOldBuildServes();
    }, 120_000);
  }

  it("at any moment (kills at growing delays) leaves no litter that grows, and the next ingest succeeds", async () => {
    const before = await currentBuild();
    for (const delay of [300, 900, 1500, 2100]) {
      const started = Date.now();
      const run = await ingest(corpusB, () => Date.now() - started >= delay);
      // A run that finished before its kill published a complete build; otherwise the old one is live.
      if (run.signal === "SIGKILL") expect(await currentBuild()).toBe(before);
      const entries = await readdir(indexDir);
      expect(entries.filter((e) => e.startsWith(".tmp-")).length).toBeLessThanOrEqual(1);
      expect(entries.filter((e) => e.startsWith("build-")).length).toBeLessThanOrEqual(2);
    }
    const done = await ingest(corpusB);
    expect(done.code, done.stderr).toBe(0);
    const entries = await readdir(indexDir);
    expect(entries.filter((e) => e.startsWith(".tmp-") || e === ".build-lock")).toEqual([]);
    expect(entries.filter((e) => e.startsWith("build-"))).toHaveLength(1);
  }, 240_000);
});

describe("two ingests at once", () => {
  it("one builds, the other is refused with a message naming it, and the index is whole", async () => {
    // Back to corpus A first, so both runs below have a build to do.
    expect((await ingest(corpusA)).code).toBe(0);
    // The second starts once the first is embedding, so the first holds the lock.
    let second: ReturnType<typeof ingest> | undefined;
    const first = ingest(corpusB, (stderr) => {
      if (/Embedding/.test(stderr)) second ??= ingest(corpusB);
      return false;
    });
    const one = await first;
    const two = await second!;
    expect(one.code, one.stderr).toBe(0);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/Another ingest \(process \d+\) is building the index/);
    expect(two.stderr).not.toMatch(/\bat \S+ \(/);
    const rag = createRag({ corpusDir: corpusB, indexDir });
    try {
      expect((await rag.load()).status).toBe("unchanged");
      const answer = await rag.ask({ question: "How far did the glacier retreat between 1950 and 2000?" });
      expect(answer.answer).toMatch(/two kilometres/);
    } finally {
      await rag.close();
    }
  }, 240_000);
});
