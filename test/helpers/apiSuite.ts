import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdsEvidence } from "../../scripts/eval/relevance.js";
import { readQuestions, type EvalQuestion } from "../../scripts/eval/questions.js";
import { getJson, postJson, type RunningService } from "./server.js";

/**
 * The integration suite every store passes: search, ask, citations that
 * verify, abstention, documents, and clear errors, against the real model and
 * index over real HTTP. `start` brings up the service on the store under test.
 */
export function describeApi(store: string, start: () => Promise<RunningService>): void {
  describe(`the API on store ${store}`, () => {
    let service: RunningService;
    let questions: EvalQuestion[];

    beforeAll(async () => {
      questions = await readQuestions();
      service = await start();
    });
    afterAll(async () => {
      await service?.close();
    });

    const answerable = () => questions.filter((q) => q.answerable);

    describe("search retrieves the gold evidence (real model, real index, real HTTP)", () => {
      it("finds the evidence in the top 5 for at least 90% of the answerable dev questions", async () => {
        const misses: string[] = [];
        for (const q of answerable()) {
          const { status, body } = await postJson(service.baseUrl, "/v1/search", { query: q.question, k: 5 });
          expect(status).toBe(200);
          expect(body.results.length).toBe(5);
          if (!body.results.some((r: { text: string }) => holdsEvidence(q.evidence!, r.text))) misses.push(q.id);
        }
        const hits = answerable().length - misses.length;
        expect(hits, `misses: ${misses.join(", ")}`).toBeGreaterThanOrEqual(Math.max(10, Math.ceil(0.9 * answerable().length)));
      });

      it("never returns two results that repeat the same text, and every result is verbatim", async () => {
        const texts = new Map<string, string>();
        for (const q of questions) {
          const { body } = await postJson(service.baseUrl, "/v1/search", { query: q.question, k: 10 });
          const results: { docId: string; start: number; end: number; text: string }[] = body.results;
          for (const r of results) {
            if (!texts.has(r.docId)) texts.set(r.docId, (await getJson(service.baseUrl, `/v1/documents/${r.docId}`)).body.text);
            expect(texts.get(r.docId)!.slice(r.start, r.end)).toBe(r.text);
          }
          for (const [i, a] of results.entries()) {
            for (const b of results.slice(i + 1)) {
              const overlap = a.docId === b.docId && a.start < b.end && b.start < a.end;
              expect(overlap, `${q.id}: ${a.docId} ${a.start}-${a.end} and ${b.start}-${b.end}`).toBe(false);
            }
          }
        }
      });

      it("returns results whose text is the document's text between start and end", async () => {
        const { body } = await postJson(service.baseUrl, "/v1/search", { query: "Sakhalin oil and gas projects", k: 10 });
        expect(body.query).toBe("Sakhalin oil and gas projects");
        body.results.forEach((r: { rank: number }, i: number) => expect(r.rank).toBe(i + 1));
        for (const r of body.results) {
          const doc = await getJson(service.baseUrl, `/v1/documents/${r.docId}`);
          expect(doc.body.text.slice(r.start, r.end)).toBe(r.text);
          expect(r.title).toBe(doc.body.title);
        }
        const scores = body.results.map((r: { score: number }) => r.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      });
    });

    describe("ask answers with verifiable citations", () => {
      it("cites only verbatim spans, and every [n] marker has its citation", async () => {
        const texts = new Map<string, string>();
        let hits = 0;
        for (const q of questions) {
          const { status, body } = await postJson(service.baseUrl, "/v1/ask", { question: q.question });
          expect(status).toBe(200);
          expect(typeof body.answer).toBe("string");
          const markers = [...body.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
          const citationMarkers = body.citations.map((c: { marker: number }) => c.marker);
          for (const m of markers) expect(citationMarkers).toContain(m);
          for (const c of body.citations) {
            if (!texts.has(c.docId)) texts.set(c.docId, (await getJson(service.baseUrl, `/v1/documents/${c.docId}`)).body.text);
            expect(texts.get(c.docId)!.slice(c.start, c.end)).toBe(c.text);
          }
          if (q.answerable && q.answers!.some((a) => body.answer.toLowerCase().includes(a.toLowerCase()))) hits++;
        }
        expect(hits / answerable().length).toBeGreaterThanOrEqual(0.6);
      });

      it("says plainly when the corpus does not answer, citing the nearest passages", async () => {
        const outOfCorpus = [
          ...questions.filter((q) => !q.answerable).map((q) => q.question),
          "Who won the 2018 FIFA World Cup?",
          "What is the recommended dose of ibuprofen for adults?",
          "How do I reset the password of my home router?",
        ];
        let abstained = 0;
        for (const question of outOfCorpus) {
          const { status, body } = await postJson(service.baseUrl, "/v1/ask", { question });
          expect(status).toBe(200);
          if (body.answerable === false) {
            abstained++;
            expect(body.answer).not.toMatch(/\[\d+\]/);
            expect(body.citations.length).toBeGreaterThan(0);
          }
        }
        expect(abstained / outOfCorpus.length).toBeGreaterThanOrEqual(0.6);
      });
    });

    describe("documents, health and readiness", () => {
      it("lists the five documents with their metadata and serves each verbatim", async () => {
        const { status, body } = await getJson(service.baseUrl, "/v1/documents");
        expect(status).toBe(200);
        expect(body.documents).toHaveLength(5);
        for (const d of body.documents) {
          expect(d).toMatchObject({ docId: expect.any(String), title: expect.any(String) });
          expect(d).toHaveProperty("author");
          expect(d).toHaveProperty("publisher");
          expect(d).toHaveProperty("date");
          expect(d).not.toHaveProperty("text");
          const one = await getJson(service.baseUrl, `/v1/documents/${d.docId}`);
          expect(one.status).toBe(200);
          expect(one.body.text.length).toBeGreaterThan(1000);
        }
      });

      it("reports health and readiness", async () => {
        expect((await getJson(service.baseUrl, "/healthz")).status).toBe(200);
        expect((await getJson(service.baseUrl, "/readyz")).status).toBe(200);
      });
    });

    describe("bad input gets a clear 4xx JSON error", () => {
      const long = "x".repeat(2001);
      const cases: [string, string, unknown, number, string][] = [
        ["malformed JSON", "/v1/search", '{"query": "x"', 400, "invalid_json"],
        ["body not an object", "/v1/search", "[1,2]", 400, "invalid_request"],
        ["missing query", "/v1/search", {}, 400, "invalid_request"],
        ["empty query", "/v1/search", { query: "" }, 400, "invalid_request"],
        ["blank query", "/v1/search", { query: "   " }, 400, "invalid_request"],
        ["numeric query", "/v1/search", { query: 42 }, 400, "invalid_request"],
        ["array query", "/v1/search", { query: ["a"] }, 400, "invalid_request"],
        ["overlong query", "/v1/search", { query: long }, 400, "invalid_request"],
        ["k = 0", "/v1/search", { query: "Japan", k: 0 }, 400, "invalid_request"],
        ["k too large", "/v1/search", { query: "Japan", k: 51 }, 400, "invalid_request"],
        ["fractional k", "/v1/search", { query: "Japan", k: 2.5 }, 400, "invalid_request"],
        ["string k", "/v1/search", { query: "Japan", k: "5" }, 400, "invalid_request"],
        ["malformed JSON (ask)", "/v1/ask", "{question:", 400, "invalid_json"],
        ["missing question", "/v1/ask", { query: "wrong field" }, 400, "invalid_request"],
        ["empty question", "/v1/ask", { question: "" }, 400, "invalid_request"],
        ["numeric question", "/v1/ask", { question: 7 }, 400, "invalid_request"],
        ["overlong question", "/v1/ask", { question: long }, 400, "invalid_request"],
        ["k out of range (ask)", "/v1/ask", { question: "Japan", k: -1 }, 400, "invalid_request"],
        ["body over 32 kB", "/v1/ask", { question: "x".repeat(40_000) }, 413, "payload_too_large"],
      ];
      it.each(cases)("%s → %i", async (_name, route, body, status, code) => {
        const response = await postJson(service.baseUrl, route, body);
        expect(response.status).toBe(status);
        expect(response.body.error.code).toBe(code);
        expect(response.body.error.message).toEqual(expect.any(String));
        expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
      });

      it("rejects a body that is not JSON with 415", async () => {
        const response = await fetch(service.baseUrl + "/v1/search", { method: "POST", headers: { "content-type": "text/plain" }, body: "Japan" });
        expect(response.status).toBe(415);
        expect(((await response.json()) as any).error.code).toBe("unsupported_media_type");
      });

      it("answers unknown routes and documents with 404, wrong methods with 405", async () => {
        const unknownRoute = await getJson(service.baseUrl, "/v1/nothing-here");
        expect(unknownRoute.status).toBe(404);
        expect(unknownRoute.body.error.code).toBe("not_found");
        const unknownDoc = await getJson(service.baseUrl, "/v1/documents/no-such-doc");
        expect(unknownDoc.status).toBe(404);
        expect(unknownDoc.body.error.code).toBe("not_found");
        const wrongMethod = await getJson(service.baseUrl, "/v1/search");
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.body.error.code).toBe("method_not_allowed");
      });
    });
  });
}
