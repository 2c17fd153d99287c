import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
const db = await PGlite.create({ extensions: { vector } });
await db.exec(`CREATE EXTENSION vector; CREATE TABLE c (build_id bigint, row int, embedding vector NOT NULL, primary key(build_id,row));`);
const rnd = () => "[" + Array.from({ length: 384 }, () => (Math.random() - 0.5).toFixed(4)).join(",") + "]";
for (const b of [1, 2]) {
  const vals = Array.from({ length: 2000 }, (_, i) => rnd());
  await db.query(`INSERT INTO c SELECT $1, r, e::vector FROM unnest($2::int[], $3::text[]) AS t(r, e)`, [b, vals.map((_, i) => i), vals]);
  const t = Date.now();
  await db.exec(`CREATE INDEX c_hnsw_${b} ON c USING hnsw ((embedding::vector(384)) vector_cosine_ops) WITH (m = 16, ef_construction = 200) WHERE build_id = ${b}`);
  console.log("index", Date.now() - t);
}
await db.exec("ANALYZE c");
const q = rnd();
const plan = await db.query(`EXPLAIN SELECT row, embedding::vector(384) <=> $1::vector(384) AS d FROM c WHERE build_id = 2 ORDER BY d LIMIT 30`, [q]);
console.log(plan.rows.map((r: any) => r["QUERY PLAN"]).join("\n"));
const plan2 = await db.query(`EXPLAIN SELECT row, embedding::vector(384) <=> $1::vector(384) AS d FROM c WHERE build_id = 2 ORDER BY embedding::vector(384) <=> $1::vector(384) LIMIT 30`, [q]);
console.log(plan2.rows.map((r: any) => r["QUERY PLAN"]).join("\n"));
await db.exec("SET hnsw.ef_search = 100");
const t = Date.now(); for (let i=0;i<50;i++) await db.query(`SELECT row, embedding::vector(384) <=> $1::vector(384) AS d FROM c WHERE build_id = 2 ORDER BY d LIMIT 30`, [rnd()]);
console.log("per query ms", (Date.now()-t)/50);
