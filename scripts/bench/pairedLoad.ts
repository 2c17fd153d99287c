// npm run bench:paired -- A_ROOT:A_WORK B_ROOT:B_WORK [--rounds 3] [--queries 1500] [--ask]
// Two checkouts of this project (ROOT, e.g. a `git worktree` of an older commit) each serve a
// build kept by `npm run bench:scale -- --embedder hashing --keep DIR` (WORK = DIR/hashing-N),
// each in fresh processes, alternating A, B, A, B…: RSS after load and after the queries (after a
// full garbage collection), and search (or, with --ask, ask) latency in-process. Paired so that
// a change's cost is not confused with the machine's drift over the hour.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const self = fileURLToPath(import.meta.url);

if (args[0] === "--serve") {
  const [, root, work, queries, mode] = args as [string, string, string, string, string];
  const from = (file: string) => import(pathToFileURL(path.join(root, file)).href);
  const { createRag } = await from("src/rag.ts");
  const { hashingEmbedder } = await from("scripts/bench/hashingEmbedder.ts");
  const { readQuestions } = await from("scripts/eval/questions.ts");
  const { summarize, variants, timeEach } = await from("scripts/bench/stats.ts");
  const gc = (globalThis as { gc?: () => void }).gc!;
  const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);
  gc();
  const rag = createRag({ corpusDir: path.join(work, "corpus"), indexDir: path.join(work, "index"), queryCacheSize: 0, embedder: hashingEmbedder() });
  const loaded = await rag.load();
  if (loaded.status !== "unchanged") throw new Error(`${work} was not built by ${root}'s code (${loaded.reason}); the load rebuilt it.`);
  gc();
  const afterLoad = process.memoryUsage().rss;
  const texts: string[] = variants((await readQuestions()).map((q: { question: string }) => q.question), Number(queries), mode);
  const times: number[] = await timeEach(texts, (text: string) => (mode === "ask" ? rag.ask({ question: text }) : rag.search({ query: text })));
  gc();
  // The first 50 warm the JIT.
  console.log(JSON.stringify({ loadedRssMB: megabytes(afterLoad), heldRssMB: megabytes(process.memoryUsage().rss), ms: summarize(times.slice(50)) }));
  await rag.close();
  process.exit(0);
}

const sides = args.filter((a) => a.includes(":") && !a.startsWith("--")).map((a) => a.split(":") as [string, string]);
if (sides.length !== 2) throw new Error("usage: pairedLoad.ts A_ROOT:A_WORK B_ROOT:B_WORK [--rounds 3] [--queries 1500] [--ask]");
const mode = args.includes("--ask") ? "ask" : "search";
for (let round = 1; round <= Number(option("--rounds", "3")); round++) {
  for (const [label, [root, work]] of [["A", sides[0]!], ["B", sides[1]!]] as const) {
    const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", self, "--serve", root, work, option("--queries", "1500"), mode], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (part: string) => (out += part));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`${label} (${root}) exited with ${code}`);
    console.log(JSON.stringify({ round, side: label, root, mode, ...JSON.parse(out.trim().split("\n").pop()!) }));
  }
}
