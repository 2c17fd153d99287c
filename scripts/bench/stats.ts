import { performance } from "node:perf_hooks";
import { percentile } from "../eval/percentile.js";

export interface Summary {
  n: number;
  p50: number;
  p95: number;
}

export const summarize = (values: readonly number[]): Summary => ({
  n: values.length,
  p50: round(percentile(values, 0.5)),
  p95: round(percentile(values, 0.95)),
});

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The i-th of a run of distinct texts made from `questions`, so that no query cache can stand in for the work. */
export function distinctText(questions: readonly string[], i: number, tag: string): string {
  return `${questions[i % questions.length]} (${tag} ${i})`;
}

export function variants(questions: readonly string[], count: number, tag = "v"): string[] {
  return Array.from({ length: count }, (_, i) => distinctText(questions, i, tag));
}

/** Runs `run` on each text in turn, one at a time, and returns each call's milliseconds. */
export async function timeEach(texts: readonly string[], run: (text: string) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (const text of texts) {
    const started = performance.now();
    await run(text);
    times.push(performance.now() - started);
  }
  return times;
}
