import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { answerFrom, retrievePassages, type Pipeline } from "./pipeline.js";

// Forms meant to reach each answer type's code (see answerType.ts) and a plain one;
// the sentence inside can change the type a form gets, which only matters for speed.
const WARM_UP_FORMS = ["How much {}?", "When {}?", "Which country {}?", "What did {} say?", "{}"];
const WARM_UP_SENTENCES = 2;

/**
 * Runs a few questions through retrieval and answer extraction, so that the
 * first requests after a start do not pay for compiling that code (the first
 * request measured 98 ms, later ones about 20). The questions are two of the
 * corpus's own sentences, each in the forms of WARM_UP_FORMS, with the
 * sentences' stored vectors standing in for embeddings: this runs while the
 * model is still loading and leaves the query cache untouched. What it
 * leaves behind are memos of pure functions (a sentence's facts, stems).
 */
export async function warmUp(pipeline: Pipeline, k: number): Promise<void> {
  const { index } = pipeline.retrieval;
  const sentences = Math.min(index.sentences.length, WARM_UP_SENTENCES);
  for (let i = 0; i < sentences; i++) {
    const id = Math.floor((i * index.sentences.length) / sentences);
    const vector = index.sentenceVectors.vector(id);
    const text = index.sentences[id]!.text;
    // The first run of any code is slow (a whole question took 60 ms at 100k
    // chunks), and the loop is held for all of it. So the code is first run on
    // less: retrieval alone, then each form on a few words with one passage,
    // then with k. (A new sentence is new data: the facts of its passages get worked out.)
    const fewWords = text.split(/\s+/).slice(0, 4).join(" ");
    const firstRuns = WARM_UP_FORMS.map((form) => ({ form, text: fewWords, passages: 1 }));
    await retrievePassages(pipeline, fewWords, vector, 1);
    await yieldToEventLoop();
    for (const run of [...firstRuns, ...firstRuns.map((run) => ({ ...run, passages: k }))]) {
      // A function, so that "$&" and the like in a sentence are not replacement patterns.
      const question = run.form.replace("{}", () => run.text);
      // Retrieval and answering as two tasks: the first run of both at once held the loop for 32–37 ms at 100k chunks.
      const retrieved = await retrievePassages(pipeline, question, vector, run.passages);
      // Neither step waits on I/O: without these, the whole warm-up would be one task.
      await yieldToEventLoop();
      answerFrom(pipeline, question, retrieved);
      await yieldToEventLoop();
    }
  }
}
