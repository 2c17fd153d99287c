import type pg from "pg";
import { RagError } from "../../errors.js";
import type { VectorHit, VectorStore } from "../vectorStore.js";
import { vectorText } from "./insertBuildRows.js";

/**
 * Nearest chunks of one build, found by Postgres through the build's HNSW
 * index (see `chunkIndexName`). The search beam (`hnsw.ef_search`) is the
 * configured `efSearch`, raised to `k` when more results are asked for: pgvector
 * returns at most `ef_search` rows.
 */
export class PgvectorChunkSearch implements VectorStore {
  private readonly select: (vector: string, k: number) => string;

  constructor(
    private readonly pool: pg.Pool,
    buildId: number,
    readonly dimensions: number,
    readonly size: number,
    private readonly efSearch: number,
  ) {
    // The build id is written into the statement, so the planner matches the build's partial index.
    const embedding = `embedding::vector(${dimensions})`;
    this.select = (vector, k) =>
      `SELECT row, ${embedding} <=> '${vector}'::vector(${dimensions}) AS distance FROM rag_chunks WHERE build_id = ${buildId} ORDER BY distance LIMIT ${k}`;
  }

  async search(vector: Float32Array, k: number): Promise<VectorHit[]> {
    const limit = Math.max(1, Math.floor(k));
    // One round trip: both statements go as one simple query, which Postgres runs as one implicit
    // transaction (rolled back whole on an error), so SET LOCAL holds for this search only, whatever
    // else shares the connection. Every value in it is a number this process made (the vector's
    // floats, the build id, k), never text from a request.
    let results: pg.QueryResult<{ row: number; distance: number }>[];
    try {
      results = (await this.pool.query(
        `SET LOCAL hnsw.ef_search = ${Math.max(this.efSearch, Math.min(limit, 1000))}; ${this.select(vectorText(vector), limit)}`,
      )) as unknown as typeof results;
    } catch (error) {
      // A request that meets a database gone or failing can be retried; the client learns which part failed.
      throw new RagError("store_unavailable", `The database (DATABASE_URL) did not answer the vector search: ${(error as Error).message}`, { cause: error });
    }
    return results[1]!.rows.map((r) => ({ id: r.row, score: 1 - r.distance }));
  }
}
