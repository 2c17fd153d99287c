import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config.js";
import { createBm25Baseline } from "../../scripts/eval/baselines/bm25.js";
import { createLangChainTutorialBaseline } from "../../scripts/eval/baselines/langchainTutorial.js";
import type { EvaluatedSystem } from "../../scripts/eval/system.js";
import type { Span } from "../../src/types.js";

const config = resolveConfig({}, {});
const QUERIES = [
  "How much in frozen Russian state assets is held in Japan?",
  "Which Russian diplomat did Foreign Minister Hayashi summon?",
  "Sakhalin oil and gas projects",
];

async function expectVerbatim(system: EvaluatedSystem, spans: Span[]): Promise<void> {
  for (const span of spans) {
    const text = await system.documentText(span.docId);
    expect(text, span.docId).not.toBeNull();
    expect(text!.slice(span.start, span.end)).toBe(span.text);
  }
}

const builders: [string, () => Promise<EvaluatedSystem>][] = [
  ["LangChain tutorial", () => createLangChainTutorialBaseline(config)],
  ["BM25Retriever", () => createBm25Baseline(config)],
];

describe.each(builders)("%s baseline", (_label, build) => {
  let system: EvaluatedSystem;
  beforeAll(async () => {
    system = await build();
  }, 60_000);

  it("returns ordered results whose offsets verify against the documents", async () => {
    for (const query of QUERIES) {
      const { results } = await system.search(query, 5);
      expect(results.length).toBeGreaterThan(0);
      expect(results.map((r) => r.rank)).toEqual(results.map((_, i) => i + 1));
      for (let i = 1; i < results.length; i++) expect(results[i]!.score).toBeLessThanOrEqual(results[i - 1]!.score);
      await expectVerbatim(system, results);
    }
  });

  it("returns k results", async () => {
    const { results } = await system.search("How much in frozen Russian state assets is held in Japan?", 5);
    expect(results).toHaveLength(5);
  });

  it("answers with the top chunk and cites 4 verbatim chunks, never abstaining", async () => {
    const response = await system.ask("How much in frozen Russian state assets is held in Japan?");
    expect(response.answerable).toBe(true);
    expect(response.citations).toHaveLength(4);
    expect(response.citations.map((c) => c.marker)).toEqual([1, 2, 3, 4]);
    expect(response.answer.endsWith(" [1]")).toBe(true);
    expect(response.answer).toBe(`${response.citations[0]!.text} [1]`);
    await expectVerbatim(system, response.citations);
  });

  it("returns null for an unknown document", async () => {
    expect(await system.documentText("no-such-document")).toBeNull();
  });
});
