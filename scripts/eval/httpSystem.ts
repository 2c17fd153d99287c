import type { EvaluatedSystem } from "./system.js";

/** A running server, measured through its HTTP API exactly as outside clients see it. */
export function httpSystem(baseUrl: string): EvaluatedSystem {
  const base = baseUrl.replace(/\/$/, "");
  const post = async <T>(route: string, body: unknown): Promise<T> => {
    const response = await fetch(base + route, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route} answered ${response.status}`);
    return (await response.json()) as T;
  };
  const texts = new Map<string, string | null>();
  return {
    name: base,
    search: (query, k) => post("/v1/search", { query, k }),
    ask: (question) => post("/v1/ask", { question }),
    async documentText(docId) {
      if (!texts.has(docId)) {
        const response = await fetch(`${base}/v1/documents/${encodeURIComponent(docId)}`);
        texts.set(docId, response.ok ? ((await response.json()) as { text: string }).text : null);
      }
      return texts.get(docId)!;
    },
  };
}
