import type { RagOptions } from "../../src/rag.js";

/** A named configuration of the service, scored beside the default. */
export interface Variant {
  name: string;
  options: RagOptions;
}

export const DEFAULT_VARIANT: Variant = { name: "cited-rag (default)", options: {} };

/** Each component switched off or swapped, one at a time (see docs/EVALUATION.md). */
export const ABLATIONS: Variant[] = [
  { name: "dense only", options: { retrieval: { mode: "dense" } } },
  { name: "BM25 only", options: { retrieval: { mode: "lexical" } } },
  { name: "hybrid, RRF fusion", options: { retrieval: { fusion: "rrf" } } },
  { name: "no merging of neighbours", options: { retrieval: { mergeAdjacent: false } } },
  { name: "no sentence rerank", options: { retrieval: { rerankWeight: 0 } } },
  { name: "sentence rerank 0.5", options: { retrieval: { rerankWeight: 0.5 } } },
  { name: "no lexical term in sentence scores", options: { sentenceWeights: { lexical: 0 } } },
  { name: "no answer-type bonus", options: { sentenceWeights: { answerType: 0 } } },
  { name: "no grounding check", options: { answer: { requireGrounding: false } } },
  { name: "grounding in any retrieved passage", options: { answer: { groundingScope: "passages" } } },
  { name: "answer threshold 0.45", options: { answer: { minAnswerScore: 0.45 } } },
  { name: "answer threshold 0.65", options: { answer: { minAnswerScore: 0.65 } } },
  { name: "one sentence per answer", options: { answer: { maxSentences: 1 } } },
  { name: "two sentences at 0.92 of the best", options: { answer: { maxSentences: 2, extraSentenceRatio: 0.92 } } },
  { name: "fact only in the next sentence", options: { answer: { factLookahead: 1 } } },
  { name: "no answer-type requirement", options: { answer: { requireAnswerType: false } } },
  { name: "no figure kinds (percentage, money, count, rate, year, reason)", options: { answer: { figureKinds: false } } },
  { name: "no asked-words check on figures and dates", options: { answer: { askedWords: false } } },
  { name: "'who' needs no new name", options: { answer: { whoNeedsName: false } } },
  { name: "no datelines or bylines as answers", options: { answer: { factLines: false } } },
  { name: "only the best sentence may answer (no lower one that supplies what is asked)", options: { answer: { supplyingSentenceRatio: 1 } } },
];

/** Chunking schemes compared on the same pipeline. */
export const CHUNKING_STUDY: Variant[] = [
  { name: "sentences ≤300, overlap ≤100", options: { chunkMaxChars: 300, chunkOverlapChars: 100 } },
  { name: "sentences ≤400, overlap ≤150", options: { chunkMaxChars: 400, chunkOverlapChars: 150 } },
  { name: "sentences ≤600, overlap ≤200", options: { chunkMaxChars: 600, chunkOverlapChars: 200 } },
  { name: "sentences ≤600, no overlap", options: { chunkMaxChars: 600, chunkOverlapChars: 0 } },
  { name: "sentences ≤800, overlap ≤250", options: { chunkMaxChars: 800, chunkOverlapChars: 250 } },
  { name: "sentences ≤1000, overlap ≤200", options: { chunkMaxChars: 1000, chunkOverlapChars: 200 } },
];
