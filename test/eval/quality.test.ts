import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate, type EvalReport } from "../../scripts/eval/evaluate.js";
import { readQuestions } from "../../scripts/eval/questions.js";
import { ragSystem } from "../../scripts/eval/ragSystem.js";
import { startService, type RunningService } from "../helpers/server.js";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Quality floors on the dev set: the goals reached (docs/EVALUATION.md) minus a
// small margin, so a change that hurts retrieval or answers turns CI red.
const DEV_FLOORS: Partial<Record<keyof EvalReport, number>> = {
  recall5: 0.96,
  mrr10: 0.92,
  answerHit: 0.89,
  citationSupport: 0.89,
  citationValidity: 1,
  abstainCorrect: 1,
};
const DEV_CEILINGS: Partial<Record<keyof EvalReport, number>> = {
  falseAbstain: 0.05,
  meanPassageChars: 700,
  meanAnswerChars: 350,
  errors: 0,
};
// Our own probes (eval/probes.jsonl): paraphrases must not be refused, and far or near-miss questions mostly refused.
const PROBE_FLOORS: Partial<Record<keyof EvalReport, number>> = { recall5: 0.95, answerHit: 0.88, abstainCorrect: 0.8, citationValidity: 1 };
const PROBE_CEILINGS: Partial<Record<keyof EvalReport, number>> = { falseAbstain: 0.05 };
// The untouched half of eval/heldout.jsonl (split "report"): what it reached when it was first scored, less a margin.
// Recall@5 was 0.97 there and is 0.95 on another CPU (embeddings differ in the third decimal by CPU), so 0.93.
const HELDOUT_FLOORS: Partial<Record<keyof EvalReport, number>> = {
  recall5: 0.93,
  mrr10: 0.88,
  answerHit: 0.73,
  citationSupport: 0.76,
  citationValidity: 1,
  abstainCorrect: 0.5,
};
const HELDOUT_CEILINGS: Partial<Record<keyof EvalReport, number>> = { falseAbstain: 0.08, meanAnswerChars: 350 };

const probesFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../eval/probes.jsonl");
const heldoutFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../eval/heldout.jsonl");
let service: RunningService;

beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

function check(report: EvalReport, floors: typeof DEV_FLOORS, ceilings: typeof DEV_CEILINGS) {
  for (const [key, floor] of Object.entries(floors)) expect(report[key as keyof EvalReport], key).toBeGreaterThanOrEqual(floor!);
  for (const [key, ceiling] of Object.entries(ceilings)) expect(report[key as keyof EvalReport], key).toBeLessThanOrEqual(ceiling!);
}

describe("answer quality does not regress", () => {
  it("meets the dev-set floors", async () => {
    check(await evaluate(ragSystem(service.rag), await readQuestions()), DEV_FLOORS, DEV_CEILINGS);
  });

  it("meets the floors on the project's own probes", async () => {
    check(await evaluate(ragSystem(service.rag), await readQuestions(probesFile)), PROBE_FLOORS, PROBE_CEILINGS);
  });

  it("meets the floors on the untouched half of the held-out set", async () => {
    const report = (await readQuestions(heldoutFile)).filter((q) => q.split === "report");
    check(await evaluate(ragSystem(service.rag), report), HELDOUT_FLOORS, HELDOUT_CEILINGS);
  });
});
