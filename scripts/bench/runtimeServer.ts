// A bare embedding server on one transformers.js runtime: a node:http server
// that embeds the posted text (mean pooling, normalised) with the library's
// plain `pipeline("feature-extraction", …)` and its default session options,
// nothing else: no worker, no cache, no retrieval, no Express. One process per
// runtime (`startRuntimeServer("v4")` in serverProcess.ts),
// all reading the same int8 file, so the benchmark compares the runtimes alone,
// and the fastest of them is the floor the service's latency goals are judged against.
//
//   BENCH_RUNTIME=v2  @xenova/transformers 2.x   (pipeline option quantized: true)
//   BENCH_RUNTIME=v3  transformers-v3, i.e. @huggingface/transformers 3.x (dtype: "q8")
//   BENCH_RUNTIME=v4  @huggingface/transformers 4.x (dtype: "q8")
//
// POST any path with {"query": text} (or {"question": text}) → {"dimensions": 384};
// GET /runtime → the package and version actually loaded; any other GET → ready.
import http from "node:http";
import { resolveConfig } from "../../src/config.js";
import { packageOf, RUNTIME_NAMES, RUNTIMES, type RuntimeInfo, type RuntimeName } from "./runtimes.js";

/** What every runtime's feature-extraction pipeline has in common, as far as this server uses it. */
type Extractor = (texts: string[], options: { pooling: "mean"; normalize: boolean }) => Promise<{ dims: number[] }>;
interface RuntimeModule {
  env: { localModelPath: string; allowRemoteModels: boolean; allowLocalModels: boolean; version?: string };
  pipeline(task: "feature-extraction", model: string, options: Record<string, unknown>): Promise<unknown>;
}

const runtime = process.env.BENCH_RUNTIME;
if (!runtime || !Object.hasOwn(RUNTIMES, runtime)) throw new Error(`BENCH_RUNTIME must be one of ${RUNTIME_NAMES.join(", ")}, got ${runtime}.`);
const specifier = RUNTIMES[runtime as RuntimeName];
const config = resolveConfig({}, process.env);
const lib = (await import(specifier)) as RuntimeModule;
lib.env.localModelPath = config.modelsDir;
lib.env.allowRemoteModels = false;
lib.env.allowLocalModels = true;
// Only the option that picks the int8 file differs between the major versions; session options stay the library's defaults.
const pipelineOptions = runtime === "v2" ? { quantized: config.quantized } : { dtype: config.quantized ? "q8" : "fp32" };
const extractor = (await lib.pipeline("feature-extraction", config.modelId, pipelineOptions)) as Extractor;
const info = JSON.stringify({
  specifier,
  package: await packageOf(import.meta.resolve(specifier)),
  envVersion: lib.env.version ?? null,
} satisfies RuntimeInfo);

const server = http.createServer((req, res) => {
  const reply = (status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  if (req.method !== "POST") return reply(200, req.url === "/runtime" ? info : '{"status":"ready"}');
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (part: string) => (body += part));
  req.on("end", async () => {
    try {
      const { query, question } = JSON.parse(body) as { query?: string; question?: string };
      const text = query ?? question;
      if (typeof text !== "string") return reply(400, '{"error":"query must be a string"}');
      const output = await extractor([text], { pooling: "mean", normalize: true });
      reply(200, JSON.stringify({ dimensions: output.dims[output.dims.length - 1] }));
    } catch (error) {
      reply(500, JSON.stringify({ error: String(error) }));
    }
  });
});
// Listening only once the model is loaded: the process is ready when it answers.
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1");
