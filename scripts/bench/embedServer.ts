// The HTTP floor: the service's own embedding (its worker, its thread settings)
// behind a bare node:http server that does nothing else, in its own process.
// What `/v1/search` costs beyond this is retrieval, JSON and Express; what
// this costs beyond the bare pipeline's floor is the HTTP round trip and the
// worker hand-offs. Started by `startServer({ command: "embedOnly" })`.
import http from "node:http";
import { resolveConfig } from "../../src/config.js";
import { loadEmbedder } from "../../src/embed/loadEmbedder.js";

const config = resolveConfig({}, process.env);
const { queries } = await loadEmbedder({ ...config, queryCacheSize: 0 });
const server = http.createServer((req, res) => {
  const reply = (status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  if (req.method !== "POST") return reply(200, '{"status":"ready"}');
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (part: string) => (body += part));
  req.on("end", async () => {
    try {
      const { query } = JSON.parse(body) as { query: string };
      const [vector] = await queries.embed([query]);
      reply(200, JSON.stringify({ query, dimensions: vector!.length }));
    } catch (error) {
      reply(400, JSON.stringify({ error: String(error) }));
    }
  });
});
// Listening only once the model is loaded: the process is ready when it answers.
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1");
