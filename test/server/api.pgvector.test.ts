import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeApi } from "../helpers/apiSuite.js";
import { startPostgres, type PostgresForTests } from "../helpers/postgres.js";
import { startService } from "../helpers/server.js";

// The same integration suite as the default store, on Postgres + pgvector over the wire protocol
// (PGlite behind a socket, the ordinary pg driver), with an index folder that must stay empty.
let postgres: PostgresForTests;
let indexDir: string;

beforeAll(async () => {
  postgres = await startPostgres();
  indexDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-pgvector-index-"));
});
afterAll(async () => {
  await postgres?.stop();
  await rm(indexDir, { recursive: true, force: true });
});

describeApi("pgvector (Postgres)", () => startService({ store: "pgvector", databaseUrl: postgres.url, indexDir }));

it("wrote nothing to the index folder", async () => {
  expect(await readdir(indexDir)).toEqual([]);
});
