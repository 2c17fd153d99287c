// Temporary diagnostic (deleted after use).
import { createRag } from "../../src/rag.js";
import { hashingEmbedder } from "./hashingEmbedder.js";
const rag = createRag({ corpusDir: "/tmp/pushcheck/corpus", indexDir: "/tmp/pushcheck/index", embedder: hashingEmbedder(), queryCacheSize: 0 });
try {
  const r = await rag.load({ onProgress: (p) => { if (p.done === 0) console.error(p.phase, p.total); } });
  console.log("loaded", r.manifest.counts);
} catch (e) {
  console.log("FAILED", (e as Error).stack?.split("\n").slice(0, 4).join("\n"));
}
await rag.close();
