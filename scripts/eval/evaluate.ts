import type { EvalQuestion } from "./questions.js";
import { holdsEvidence, normalize } from "./relevance.js";
import type { EvaluatedSystem } from "./system.js";
import { percentile } from "./percentile.js";

/** The measures of the reference scorer (score.mjs), computed the same way. */
export interface EvalReport {
  system: string;
  questions: number;
  answerable: number;
  errors: number;
  recall1: number;
  recall3: number;
  recall5: number;
  mrr10: number;
  answerHit: number;
  citationSupport: number;
  citationValidity: number;
  abstainCorrect: number | null;
  falseAbstain: number;
  meanPassageChars: number;
  meanCitationChars: number;
  meanAnswerChars: number;
  searchP50ms: number;
  searchP95ms: number;
  askP50ms: number;
  askP95ms: number;
  /** Answerable questions whose evidence was not ranked first, with the rank found (0 = not in the top 10). */
  misses: { id: string; rank: number }[];
  /** What went wrong per question, for `--explain`: a wrong abstention or answer, an answer without the fact, a citation without the evidence. */
  failures: { id: string; question: string; problem: string; answer: string }[];
}

const SEARCH_DEPTH = 10;

export async function evaluate(system: EvaluatedSystem, questions: EvalQuestion[]): Promise<EvalReport> {
  let answerable = 0, errors = 0, r1 = 0, r3 = 0, r5 = 0, mrr = 0, answerHit = 0, support = 0;
  let citesTotal = 0, citesValid = 0, unanswerable = 0, abstainOk = 0, falseAbstain = 0;
  const searchMs: number[] = [], askMs: number[] = [], passageChars: number[] = [], citeChars: number[] = [], answerChars: number[] = [];
  const misses: EvalReport["misses"] = [];
  const failures: EvalReport["failures"] = [];

  for (const q of questions) {
    let search, ask;
    try {
      let t0 = performance.now();
      search = await system.search(q.question, SEARCH_DEPTH);
      searchMs.push(performance.now() - t0);
      t0 = performance.now();
      ask = await system.ask(q.question);
      askMs.push(performance.now() - t0);
    } catch {
      errors++;
      continue;
    }
    for (const c of ask.citations) {
      citesTotal++;
      citeChars.push(c.text.length);
      const text = await system.documentText(c.docId);
      if (text !== null && Number.isInteger(c.start) && Number.isInteger(c.end) && normalize(text.slice(c.start, c.end)) === normalize(c.text)) citesValid++;
    }
    const fail = (problem: string) => failures.push({ id: q.id, question: q.question, problem, answer: ask.answer });
    if (!q.answerable) {
      unanswerable++;
      if (!ask.answerable) abstainOk++;
      else fail("answered an unanswerable question");
      continue;
    }
    answerable++;
    if (!ask.answerable) falseAbstain++;
    const results = search.results;
    for (const r of results.slice(0, 5)) passageChars.push(r.text.length);
    answerChars.push(ask.answer.length);
    const rank = results.findIndex((r) => holdsEvidence(q.evidence!, r.text)) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 3) r3++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1 && rank <= SEARCH_DEPTH) mrr += 1 / rank;
    if (rank !== 1) misses.push({ id: q.id, rank });
    const answer = normalize(ask.answer);
    const hit = ask.answerable && (q.answers ?? []).some((a) => answer.includes(normalize(a)));
    if (hit) answerHit++;
    const supported = ask.citations.some((c) => holdsEvidence(q.evidence!, c.text));
    if (supported) support++;
    if (!ask.answerable) fail(`abstained (evidence at search rank ${rank || ">10"})`);
    else if (!hit) fail(`answer lacks ${JSON.stringify(q.answers?.[0])}${supported ? "" : ", no citation holds the evidence"} (search rank ${rank || ">10"})`);
  }

  const ratio = (x: number, n: number) => (n ? round(x / n) : 0);
  return {
    system: system.name,
    questions: questions.length,
    answerable,
    errors,
    recall1: ratio(r1, answerable),
    recall3: ratio(r3, answerable),
    recall5: ratio(r5, answerable),
    mrr10: ratio(mrr, answerable),
    answerHit: ratio(answerHit, answerable),
    citationSupport: ratio(support, answerable),
    citationValidity: ratio(citesValid, citesTotal),
    abstainCorrect: unanswerable ? round(abstainOk / unanswerable) : null,
    falseAbstain: ratio(falseAbstain, answerable),
    meanPassageChars: mean(passageChars),
    meanCitationChars: mean(citeChars),
    meanAnswerChars: mean(answerChars),
    searchP50ms: round(percentile(searchMs, 0.5)),
    searchP95ms: round(percentile(searchMs, 0.95)),
    askP50ms: round(percentile(askMs, 0.5)),
    askP95ms: round(percentile(askMs, 0.95)),
    misses,
    failures,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
