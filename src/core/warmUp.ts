import { dequantizeRow } from "../vectors.js";
import { answerQuestion, type Pipeline } from "./pipeline.js";

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
    const vector = dequantizeRow(index.sentenceVectors, id);
    for (const form of WARM_UP_FORMS) {
      // A function, so that "$&" and the like in a sentence are not replacement patterns.
      const question = form.replace("{}", () => index.sentences[id]!.text);
      await answerQuestion(pipeline, question, vector, k);
    }
  }
}
