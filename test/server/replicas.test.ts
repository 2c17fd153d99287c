import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PostgresForTests } from "../helpers/postgres.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TOKEN = "replica-admin-token";

interface Replica {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

let postgres: PostgresForTests;
let work: string;
const running: Replica[] = [];

/** One service process (`src/cli/serve.ts`) against the shared database, with an index folder of its own that must stay empty. */
async function startReplica(name: string, corpusDir: string): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/serve.ts"], {
    cwd: root,
    env: {
      ...process.env,
      STORE: "pgvector",
      DATABASE_URL: postgres.url,
      DATABASE_POOL_SIZE: "4",
      STORE_POLL_MS: "200",
      INDEX_DIR: path.join(work, `index-${name}`),
      CORPUS_DIR: corpusDir,
      ADMIN_TOKEN: TOKEN,
      PORT: "0",
      RATE_LIMIT_PER_MINUTE: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += String(d)));
  child.stderr!.on("data", (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await expect.poll(() => /Ready in/.test(output) || child.exitCode !== null, { timeout: 120_000, interval: 100 }).toBe(true);
  if (child.exitCode !== null) throw new Error(`replica ${name} exited: ${output}`);
  const replica = { child, url: /Listening on (http:\/\/[^\s"]+:\d+)/.exec(output)![1]!, output: () => output, exited };
  running.push(replica);
  return replica;
}

async function ask(replica: Replica, question: string) {
  const response = await fetch(`${replica.url}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
  return { status: response.status, body: (await response.json()) as { answer: string; answerable: boolean; citations: { docId: string }[] } };
}

/** `npm run ingest` (src/cli/ingest.ts) into the shared database. */
async function runIngest(corpusDir: string, indexDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/ingest.ts"], {
    cwd: root,
    env: { ...process.env, STORE: "pgvector", DATABASE_URL: postgres.url, CORPUS_DIR: corpusDir, INDEX_DIR: indexDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += String(d)));
  child.stderr.on("data", (d) => (output += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, output };
}

const documentIds = async (replica: Replica) =>
  ((await (await fetch(`${replica.url}/v1/documents`)).json()) as { documents: { docId: string }[] }).documents.map((d) => d.docId).sort();

beforeAll(async () => {
  postgres = await startPostgres();
  work = await mkdtemp(path.join(os.tmpdir(), "cited-rag-replicas-"));
  await cp(path.join(root, "corpus"), path.join(work, "corpus"), { recursive: true });
});
afterAll(async () => {
  for (const r of running) r.child.kill("SIGKILL");
  await postgres?.stop();
  await rm(work, { recursive: true, force: true });
});

describe("stateless replicas on one Postgres", () => {
  it("both answer; a document added through one is served by the other; killing one loses nothing", async () => {
    const first = await startReplica("a", path.join(work, "corpus"));
    expect(first.output()).toMatch(/Built index in postgres build \d+ \(no index yet\)/);
    // The second has no corpus folder at all: it serves what the database holds.
    const second = await startReplica("b", path.join(work, "no-such-folder"));
    expect(second.output()).toMatch(/Index up to date in postgres build \d+/);

    const question = "When was the Ukraine Recovery Conference held in Lugano?";
    const [a, b] = await Promise.all([ask(first, question), ask(second, question)]);
    expect(a.status).toBe(200);
    expect(b.body.answer).toBe(a.body.answer);
    expect(a.body.answerable).toBe(true);

    const form = new FormData();
    form.append("file", new Blob(["The lighthouse of Varnholm was relit in 1987 by the keeper Ingrid Salo.\n"]), "varnholm.txt");
    const added = await fetch(`${first.url}/v1/documents`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(added.status).toBe(201);
    await expect.poll(() => documentIds(second), { timeout: 20_000, interval: 200 }).toContain("varnholm");
    const fromSecond = await ask(second, "Who relit the lighthouse of Varnholm?");
    expect(fromSecond.body.answer).toContain("Ingrid Salo");
    expect(fromSecond.body.citations[0]?.docId).toBe("varnholm");

    first.child.kill("SIGKILL");
    await first.exited;
    expect((await ask(second, "Who relit the lighthouse of Varnholm?")).body.answer).toContain("Ingrid Salo");
    const restarted = await startReplica("c", path.join(work, "no-such-folder"));
    expect(await documentIds(restarted)).toEqual(await documentIds(second));
    expect(restarted.output()).toMatch(/Index up to date in postgres build \d+/);

    // npm run ingest makes the database hold what the corpus folder holds, and every replica follows.
    const ingest = await runIngest(path.join(work, "corpus"), path.join(work, "index-ingest"));
    expect(ingest.code, ingest.output).toBe(0);
    expect(ingest.output).toMatch(/Built index in postgres build \d+ \(corpus changed: 0 added, 0 changed, 1 removed, 5 kept with their vectors\)/);
    await expect.poll(() => documentIds(second), { timeout: 20_000, interval: 200 }).not.toContain("varnholm");
    await expect.poll(() => documentIds(restarted), { timeout: 20_000, interval: 200 }).toHaveLength(5);

    for (const name of ["a", "b", "c", "ingest"]) expect(await readdir(path.join(work, `index-${name}`)).catch(() => [])).toEqual([]);
  }, 300_000);
});
