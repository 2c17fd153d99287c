// npm run pglite [-- --port 5432] [--data-dir DIR]
// A Postgres with pgvector for trying STORE=pgvector without installing one: PGlite (Postgres
// compiled to WebAssembly) behind a wire-protocol socket on 127.0.0.1. One session serves every
// connection, one query at a time, so it suits trying and testing, not production (docs/SCALING.md).
// Without --data-dir the database lives in memory and is gone when this stops.
import { startPostgres } from "../test/helpers/postgres.js";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const port = Number(option("--port") ?? 5432);
const dataDir = option("--data-dir");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port ${option("--port")} is not a port number (0–65535).`);
  process.exit(1);
}
const postgres = await startPostgres({ port, ...(dataDir && { dataDir }) });
console.log(`Postgres (PGlite + pgvector) on ${postgres.url}${dataDir ? `, data in ${dataDir}` : ", in memory"}`);
console.log(`Try: STORE=pgvector DATABASE_URL=${postgres.url} npm run ingest && STORE=pgvector DATABASE_URL=${postgres.url} npm start`);
const stop = () => void postgres.stop().finally(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
