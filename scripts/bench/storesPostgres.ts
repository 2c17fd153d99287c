// The Postgres of `stores.ts`, in a process of its own: PGlite (Postgres compiled to
// WebAssembly, with pgvector) behind pglite-socket on a loopback port, so that the
// database's work does not share an event loop with the service that queries it.
// PGlite is ONE Postgres session serving one query at a time, and WebAssembly is
// slower than a native Postgres: what this serves is a floor to test against, not
// a stand-in for a tuned server.
//
// npx tsx scripts/bench/storesPostgres.ts [--max-connections N] [--data-dir DIR]
// Prints one JSON line `{"url": "postgres://…", "settings": {…}}` once it listens;
// stops on SIGTERM, SIGINT or when its stdin closes (its parent is gone), and then
// prints a last JSON line with the CPU time and peak memory it used.
import { startPostgres } from "../../test/helpers/postgres.js";
import { round } from "./stats.js";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const maxConnections = Number(option("--max-connections") ?? 64);
const dataDir = option("--data-dir");

const postgres = await startPostgres({ maxConnections, ...(dataDir && { dataDir }) });
// What the numbers depend on, recorded with them (PGlite's defaults, not a tuned server's).
const settings: Record<string, string> = {};
for (const name of ["server_version", "shared_buffers", "work_mem", "maintenance_work_mem", "max_parallel_maintenance_workers"]) {
  const { rows } = await postgres.db.query<Record<string, string>>(`SHOW ${name}`);
  settings[name] = Object.values(rows[0] ?? {})[0] ?? "?";
}
process.stdout.write(`${JSON.stringify({ url: postgres.url, settings })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await postgres.stop().catch(() => undefined);
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ cpuUserSeconds: round(usage.userCPUTime / 1e6, 2), cpuSystemSeconds: round(usage.systemCPUTime / 1e6, 2), peakRssMB: round(usage.maxRSS / 1024, 1) })}\n`,
    () => process.exit(0),
  );
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
process.stdin.on("end", () => void stop()).on("close", () => void stop()).resume();
