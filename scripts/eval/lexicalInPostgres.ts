// npx tsx scripts/eval/lexicalInPostgres.ts [questions.jsonl ...] [--out FILE] [--model]
//
// Could Postgres full-text search replace the service's own BM25 (postings computed at ingest,
// src/retrieval/lexicalPostings.ts) without losing retrieval quality? For every question of
// eval/dev.jsonl and eval/heldout.jsonl (or the files given) this compares the top 10 chunks of
// - `bm25 (service)`: `retrieval.lexical.search(question, 10)`, the service's lexical index;
// - Postgres FTS over the same chunks: a `tsvector` column (`to_tsvector('english', text)`) with
//   a GIN index, matched by a tsquery built three ways
//     `and`     plainto_tsquery('english', q): every lexeme of the question must occur;
//     `or`      the lexemes of to_tsvector('english', q) joined with `|`;
//     `or-web`  websearch_to_tsquery('english', the question's words joined with " or ");
//   and ranked by ts_rank or ts_rank_cd with normalization 0, 1 (÷ 1 + log length),
//   2 (÷ length) or 32 (rank / (rank + 1), monotone: the order of 0 by construction, kept as a check).
// Measures per variant and question set: Recall@5 and Recall@10 (answerable questions whose
// evidence, by the evaluation's own `holdsEvidence`, is in a chunk of the top k), MRR@10, the share
// of questions (all, and answerable) with no hit at all, the mean overlap of the top 10 with
// BM25's, and the client-side latency of the FTS queries (p50/p95, one connection, round trip
// included). Chunks, not merged passages, are what is ranked, so the numbers are of the first
// stage alone, not of `npm run eval`'s passages.
//
// The index is built in a temporary folder as scripts/eval/run.ts builds it (`createRag({ indexDir })`,
// `rag.load()`), but with the feature-hashing stand-in embedder (scripts/bench/hashingEmbedder.ts):
// chunks and BM25 postings do not depend on the embedder, and lexical search reads no vector.
// `--model` builds with the service's model instead (slower, same chunks).
// Postgres is PGlite (Postgres 18 in WebAssembly) behind pglite-socket (test/helpers/postgres.ts),
// reached with `pg`: its latencies are an upper bound for a native server, not an estimate.
// Writes bench/results/lexical-postgres.json (or --out) and prints markdown tables.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createRag } from "../../src/rag.js";
import { startPostgres } from "../../test/helpers/postgres.js";
import { hashingEmbedder } from "../bench/hashingEmbedder.js";
import { percentile } from "./percentile.js";
import { readQuestions, type EvalQuestion } from "./questions.js";
import { holdsEvidence } from "./relevance.js";

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = path.resolve(option("--out") ?? path.join(repoRoot, "bench/results/lexical-postgres.json"));
const useModel = args.includes("--model");
const given = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--out");
const files = given.length ? given.map((f) => path.resolve(f)) : ["eval/dev.jsonl", "eval/heldout.jsonl"].map((f) => path.join(repoRoot, f));

const DEPTH = 10;
const WARM_UP_QUERIES = 20;

// ---------------------------------------------------------------------------------------------
// Variants

type QueryKind = "and" | "or" | "or-web";
type RankFunction = "ts_rank" | "ts_rank_cd";
interface FtsVariant {
  name: string;
  kind: QueryKind;
  rank: RankFunction;
  normalization: number;
  sql: string;
}

const TSQUERY: Record<QueryKind, string> = {
  and: "plainto_tsquery('english', $1)",
  // The lexemes of the stripped tsvector ('a' 'b' …) joined with | instead of a space: one immutable
  // expression, folded to a constant (a subquery over unnest() ran twice per query, as two InitPlans).
  // An all-stopword question has no lexemes: the empty tsquery matches nothing.
  or: "replace(strip(to_tsvector('english', $1))::text, ''' ''', ''' | ''')::tsquery",
  "or-web": "websearch_to_tsquery('english', $1)",
};

/** What is sent as $1: the question, or for `or-web` its words joined with " or " (quotes and leading '-' dropped, which websearch would read as phrase and NOT). */
function queryParameter(kind: QueryKind, question: string): string {
  if (kind !== "or-web") return question;
  return question
    .split(/\s+/)
    .map((w) => w.replace(/["“”]/g, "").replace(/^-+/, ""))
    .filter((w) => w !== "" && w.toLowerCase() !== "or")
    .join(" or ");
}

const FTS_VARIANTS: FtsVariant[] = [];
for (const kind of ["and", "or", "or-web"] as const) {
  for (const rank of ["ts_rank_cd", "ts_rank"] as const) {
    for (const normalization of [0, 1, 2, 32]) {
      FTS_VARIANTS.push({
        name: `fts ${kind} ${rank}/${normalization}`,
        kind,
        rank,
        normalization,
        sql:
          `WITH query AS (SELECT ${TSQUERY[kind]} AS q) ` +
          `SELECT c.id, ${rank}(c.tsv, query.q, ${normalization}) AS score FROM lexical_chunks c, query ` +
          `WHERE c.tsv @@ query.q ORDER BY score DESC, c.id LIMIT ${DEPTH}`,
      });
    }
  }
}
const BM25 = "bm25 (service)";
const VARIANTS = [BM25, ...FTS_VARIANTS.map((v) => v.name)];

// ---------------------------------------------------------------------------------------------
// The service's index

const sets: { name: string; questions: EvalQuestion[] }[] = [];
for (const file of files) sets.push({ name: path.basename(file, ".jsonl"), questions: await readQuestions(file) });

const indexDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-lexical-pg-"));
const rag = createRag({ indexDir, store: "hnsw", queryCacheSize: 0, ...(useModel ? {} : { embedder: hashingEmbedder() }) });
let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
let pool: pg.Pool | undefined;
try {
  process.stderr.write(`building the index of ${rag.config.corpusDir} in ${indexDir}…\n`);
  await rag.load();
  const { retrieval } = rag.internals();
  const chunks = retrieval.index.chunks;
  process.stderr.write(`${chunks.length} chunks\n`);

  // -------------------------------------------------------------------------------------------
  // Postgres

  postgres = await startPostgres({ maxConnections: 4 });
  // One connection: PGlite is one session anyway, and the latencies are of one query at a time.
  pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
  await pool.query(
    "CREATE TABLE lexical_chunks (id integer PRIMARY KEY, text text NOT NULL, " +
      "tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED)",
  );
  await pool.query("INSERT INTO lexical_chunks (id, text) SELECT * FROM unnest($1::integer[], $2::text[])", [chunks.map((_, i) => i), chunks.map((c) => c.text)]);
  await pool.query("CREATE INDEX lexical_chunks_tsv ON lexical_chunks USING gin (tsv)");
  await pool.query("ANALYZE lexical_chunks");
  const stored = (await pool.query<{ n: string }>("SELECT count(*) AS n FROM lexical_chunks")).rows[0]!.n;
  if (Number(stored) !== chunks.length) throw new Error(`Postgres holds ${stored} chunks, the index ${chunks.length}.`);

  const search = async (variant: FtsVariant, question: string) => {
    const t0 = performance.now();
    const { rows } = await pool!.query<{ id: number; score: number }>(variant.sql, [queryParameter(variant.kind, question)]);
    return { ids: rows.map((r) => r.id), ms: performance.now() - t0 };
  };

  // How Postgres runs one query of each kind (on this small table it may well scan rather than use the GIN index).
  const plans: Record<string, string> = {};
  const sample = sets[0]!.questions[0]!.question;
  for (const kind of ["and", "or", "or-web"] as const) {
    const variant = FTS_VARIANTS.find((v) => v.kind === kind)!;
    const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN ${variant.sql}`, [queryParameter(kind, sample)]);
    plans[kind] = rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  const tsqueries: Record<string, string> = {};
  for (const kind of ["and", "or", "or-web"] as const) {
    const { rows } = await pool.query<{ q: string }>(`SELECT (${TSQUERY[kind]})::text AS q`, [queryParameter(kind, sample)]);
    tsqueries[kind] = rows[0]!.q;
  }

  // Warm Postgres's caches and the JIT before anything is timed.
  const all = sets.flatMap((s) => s.questions);
  for (const q of all.slice(0, WARM_UP_QUERIES)) for (const v of FTS_VARIANTS) await search(v, q.question);

  // -------------------------------------------------------------------------------------------
  // Measure: every variant on every question, interleaved so that drift hits all alike.

  /** Rank (1-based) of the first chunk holding the evidence in `ids`, 0 if none. */
  const rankOf = (q: EvalQuestion, ids: readonly number[]) => ids.findIndex((id) => holdsEvidence(q.evidence!, chunks[id]!.text)) + 1;
  const inSomeChunk = new Map<string, boolean>();
  for (const q of all) if (q.answerable && q.evidence) inSomeChunk.set(q.id, chunks.some((c) => holdsEvidence(q.evidence!, c.text)));

  interface PerQuestion {
    id: string;
    answerable: boolean;
    hits: Record<string, number>;
    rank: Record<string, number>;
    overlapWithBm25: Record<string, number>;
    ms: Record<string, number>;
  }
  const perSet: { name: string; rows: PerQuestion[] }[] = [];
  const started = performance.now();
  for (const set of sets) {
    process.stderr.write(`${set.name}: ${set.questions.length} questions × ${VARIANTS.length} variants…\n`);
    const rows: PerQuestion[] = [];
    for (const q of set.questions) {
      const row: PerQuestion = { id: q.id, answerable: q.answerable && !!q.evidence, hits: {}, rank: {}, overlapWithBm25: {}, ms: {} };
      const t0 = performance.now();
      const bm25 = retrieval.lexical.search(q.question, DEPTH).map((h) => h.id);
      row.ms[BM25] = performance.now() - t0;
      const record = (name: string, ids: number[]) => {
        row.hits[name] = ids.length;
        if (row.answerable) row.rank[name] = rankOf(q, ids);
        const shared = ids.filter((id) => bm25.includes(id)).length;
        row.overlapWithBm25[name] = bm25.length ? shared / bm25.length : ids.length ? 0 : 1;
      };
      record(BM25, bm25);
      for (const v of FTS_VARIANTS) {
        const { ids, ms } = await search(v, q.question);
        row.ms[v.name] = ms;
        record(v.name, ids);
      }
      rows.push(row);
    }
    perSet.push({ name: set.name, rows });
  }
  const seconds = (performance.now() - started) / 1000;

  // -------------------------------------------------------------------------------------------
  // Summaries

  const round = (x: number, digits = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
  const inTop = (rank: number, k: number) => rank >= 1 && rank <= k;
  /** A rank to compare: not found counts as worse than any rank found. */
  const rankValue = (rank: number) => (rank === 0 ? DEPTH + 1 : rank);
  const summarize = (rows: PerQuestion[], name: string) => {
    const answerable = rows.filter((r) => r.answerable);
    const ranks = answerable.map((r) => r.rank[name]!);
    const share = (n: number, of: number) => (of ? n / of : NaN);
    const ms = rows.map((r) => r.ms[name]!);
    return {
      variant: name,
      questions: rows.length,
      answerable: answerable.length,
      recall5: round(share(ranks.filter((k) => k >= 1 && k <= 5).length, ranks.length)),
      recall10: round(share(ranks.filter((k) => k >= 1 && k <= 10).length, ranks.length)),
      mrr10: round(share(ranks.reduce((sum, k) => sum + (k >= 1 && k <= 10 ? 1 / k : 0), 0), ranks.length)),
      zeroHits: round(share(rows.filter((r) => r.hits[name] === 0).length, rows.length)),
      zeroHitsAnswerable: round(share(answerable.filter((r) => r.hits[name] === 0).length, answerable.length)),
      meanHits: round(rows.reduce((sum, r) => sum + r.hits[name]!, 0) / rows.length, 2),
      overlapWithBm25At10: round(rows.reduce((sum, r) => sum + r.overlapWithBm25[name]!, 0) / rows.length),
      // Paired with BM25 on the same answerable questions: evidence in the top 5 here but not in BM25's, and the reverse.
      top5GainedVsBm25: answerable.filter((r) => inTop(r.rank[name]!, 5) && !inTop(r.rank[BM25]!, 5)).length,
      top5LostVsBm25: answerable.filter((r) => !inTop(r.rank[name]!, 5) && inTop(r.rank[BM25]!, 5)).length,
      rankBetterThanBm25: answerable.filter((r) => rankValue(r.rank[name]!) < rankValue(r.rank[BM25]!)).length,
      rankWorseThanBm25: answerable.filter((r) => rankValue(r.rank[name]!) > rankValue(r.rank[BM25]!)).length,
      p50ms: round(percentile(ms, 0.5), 2),
      p95ms: round(percentile(ms, 0.95), 2),
    };
  };
  type Summary = ReturnType<typeof summarize>;
  const groups = [...perSet, { name: "all", rows: perSet.flatMap((s) => s.rows) }];
  const summaries = groups.map((g) => ({
    set: g.name,
    questions: g.rows.length,
    answerable: g.rows.filter((r) => r.answerable).length,
    evidenceInSomeChunk: round(g.rows.filter((r) => r.answerable && inSomeChunk.get(r.id)).length / Math.max(1, g.rows.filter((r) => r.answerable).length)),
    variants: VARIANTS.map((v) => summarize(g.rows, v)),
  }));

  const fmt = (x: number | null, digits = 2) => (x === null ? "–" : x.toFixed(digits));
  const table = (rows: Summary[]) => {
    const lines = [
      "| variant | R@5 | R@10 | MRR@10 | zero hits (all) | zero hits (answerable) | overlap@10 with BM25 | top-5 vs BM25 (+gained/−lost) | rank vs BM25 (better/worse) | p50 / p95 ms |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const r of rows) {
      lines.push(
        `| ${r.variant} | ${fmt(r.recall5)} | ${fmt(r.recall10)} | ${fmt(r.mrr10)} | ${fmt(r.zeroHits)} | ${fmt(r.zeroHitsAnswerable)} | ${fmt(r.overlapWithBm25At10)} | +${r.top5GainedVsBm25}/−${r.top5LostVsBm25} | ${r.rankBetterThanBm25}/${r.rankWorseThanBm25} | ${fmt(r.p50ms)} / ${fmt(r.p95ms)} |`,
      );
    }
    return lines.join("\n");
  };
  for (const s of summaries) {
    console.log(`\n### ${s.set}: ${s.questions} questions, ${s.answerable} answerable (evidence inside one chunk: ${fmt(s.evidenceInSomeChunk)})\n`);
    console.log(table(s.variants));
  }
  console.log(`\n${chunks.length} chunks; ${VARIANTS.length} variants × ${all.length} questions in ${seconds.toFixed(1)} s. BM25 latency is in-process, FTS latency a pg round trip to PGlite.`);

  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        command: `npx tsx scripts/eval/lexicalInPostgres.ts${args.length ? ` ${args.join(" ")}` : ""}`,
        corpusDir: path.relative(repoRoot, rag.config.corpusDir) || ".",
        questionFiles: files.map((f) => path.relative(repoRoot, f)),
        embedder: useModel ? rag.config.modelId : "bench/hashing-embedder (lexical search reads no vector)",
        chunks: chunks.length,
        chunkMaxChars: rag.config.chunkMaxChars,
        chunkOverlapChars: rag.config.chunkOverlapChars,
        depth: DEPTH,
        postgres: {
          server: (await pool.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v,
          note: "PGlite (one Postgres session in WebAssembly) behind pglite-socket, reached with pg over loopback, one connection; latencies are client-side round trips, an upper bound for a native server.",
          schema: "lexical_chunks(id integer primary key, text text, tsv tsvector generated always as (to_tsvector('english', text)) stored), GIN index on tsv",
          tsqueries: Object.fromEntries(Object.entries(TSQUERY).map(([k, sql]) => [k, k === "or-web" ? `${sql}, $1 = the question's words joined with ' or '` : sql])),
          sample: { question: sample, tsqueries, plans },
        },
        measures: {
          recall5: "answerable questions whose evidence (holdsEvidence, scripts/eval/relevance.ts) is in one of the first 5 chunks",
          recall10: "the same in the first 10",
          mrr10: "mean over answerable questions of 1/rank of the first chunk holding the evidence (0 beyond 10)",
          zeroHits: "questions (all) for which the variant returns no chunk",
          zeroHitsAnswerable: "the same among answerable questions",
          overlapWithBm25At10: "mean share of BM25's top 10 that the variant's top 10 also holds",
          top5GainedVsBm25: "answerable questions with the evidence in the variant's top 5 but not in BM25's",
          top5LostVsBm25: "answerable questions with the evidence in BM25's top 5 but not in the variant's",
          rankBetterThanBm25: "answerable questions where the variant ranks the first evidence chunk higher than BM25 (not found = rank 11)",
          rankWorseThanBm25: "the same, lower",
          p50ms: "median latency of one query (FTS: pg round trip; BM25: in-process call)",
        },
        seconds: round(seconds, 1),
        summaries,
        questions: perSet.map((s) => ({ set: s.name, rows: s.rows.map(({ id, answerable, hits, rank }) => ({ id, answerable, hits, rank })) })),
      },
      null,
      2,
    ) + "\n",
  );
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
} finally {
  await pool?.end();
  await postgres?.stop();
  await rag.close();
  await rm(indexDir, { recursive: true, force: true });
}
