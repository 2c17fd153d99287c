/** Percentile by nearest rank over a copy, as the reference scorer computes it. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
}

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

/** Distinct texts for every call, so that no cache can stand in for the work. */
export function variants(questions: readonly string[], count: number, tag = "v"): string[] {
  return Array.from({ length: count }, (_, i) => `${questions[i % questions.length]} (${tag} ${i})`);
}
