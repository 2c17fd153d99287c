import type pg from "pg";
import { RagError } from "../../errors.js";

/**
 * The schema, as numbered steps applied in order, each once, in one
 * transaction with the step recorded: starting any number of replicas at once
 * is safe (an advisory lock orders them), and a database already up to date is
 * left alone. Never edit a step that has shipped; add the next one.
 *
 * A build is a row of `rag_builds`; its documents, chunks, sentences and terms
 * are rows keyed by its id, and `rag_live_build` names the one served. Chunk
 * vectors are `vector` without a fixed size (the model decides it); each build
 * gets its own HNSW index over `embedding::vector(<dimensions>)`, partial on
 * its id (see `chunkIndexName`), so a search touches that build's graph only.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE EXTENSION IF NOT EXISTS vector;
   CREATE TABLE rag_builds (
     id bigserial PRIMARY KEY,
     manifest jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE rag_live_build (
     only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
     build_id bigint NOT NULL REFERENCES rag_builds (id),
     published_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE rag_documents (
     build_id bigint NOT NULL REFERENCES rag_builds (id) ON DELETE CASCADE,
     position int NOT NULL,
     doc_id text NOT NULL,
     text text NOT NULL,
     document jsonb NOT NULL,
     PRIMARY KEY (build_id, position),
     UNIQUE (build_id, doc_id)
   );
   CREATE TABLE rag_chunks (
     build_id bigint NOT NULL REFERENCES rag_builds (id) ON DELETE CASCADE,
     row int NOT NULL,
     doc_position int NOT NULL,
     start_offset int NOT NULL,
     end_offset int NOT NULL,
     embedding vector NOT NULL,
     PRIMARY KEY (build_id, row)
   );
   CREATE TABLE rag_sentences (
     build_id bigint NOT NULL REFERENCES rag_builds (id) ON DELETE CASCADE,
     row int NOT NULL,
     doc_position int NOT NULL,
     start_offset int NOT NULL,
     end_offset int NOT NULL,
     embedding_codes bytea NOT NULL,
     embedding_scale real NOT NULL,
     term_ids int[] NOT NULL,
     PRIMARY KEY (build_id, row)
   );
   CREATE TABLE rag_terms (
     build_id bigint NOT NULL REFERENCES rag_builds (id) ON DELETE CASCADE,
     term_id int NOT NULL,
     term text NOT NULL,
     chunk_rows int[] NOT NULL,
     scores real[] NOT NULL,
     PRIMARY KEY (build_id, term_id)
   );`,
];

/** Any fixed number: the key of the advisory lock that orders migrations. */
const MIGRATION_LOCK = 7_326_410;

/** Applies the steps the database lacks; returns how many were applied. */
export async function migrate(client: pg.PoolClient): Promise<number> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS rag_migrations (step int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ step: number }>("SELECT step FROM rag_migrations");
    const applied = new Set(rows.map((r) => r.step));
    const newest = Math.max(0, ...applied);
    if (newest > MIGRATIONS.length) {
      throw new RagError(
        "index_incompatible",
        `The database's schema is at step ${newest}, newer than this code knows (${MIGRATIONS.length}); run a release at least as new as the one that migrated it.`,
      );
    }
    let count = 0;
    for (const [index, sql] of MIGRATIONS.entries()) {
      const step = index + 1;
      if (applied.has(step)) continue;
      await client.query(sql);
      await client.query("INSERT INTO rag_migrations (step) VALUES ($1)", [step]);
      count++;
    }
    await client.query("COMMIT");
    return count;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** The name of a build's HNSW index over its chunk vectors. */
export const chunkIndexName = (buildId: number) => `rag_chunks_hnsw_${buildId}`;
