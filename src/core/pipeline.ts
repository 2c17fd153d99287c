import { extractAnswer, type AnswerOptions, type DocumentContext } from "../answer/extractAnswer.js";
import type { AliasLookup } from "../answer/aliases.js";
import { retrieve, type Passage, type RetrievalContext, type RetrievalOptions } from "../retrieval/retrieve.js";
import { createSentenceScorer, type SentenceScore, type SentenceWeights } from "../retrieval/scoreSentences.js";
import { locationAt } from "../ingest/formats/extract.js";
import type { AskResponse, DocumentLocation, SourceLocation, Span } from "../types.js";

/** Everything a question is answered with once the service is loaded: the parts and their settings. */
export interface Pipeline {
  retrieval: RetrievalContext;
  /** By docId, where its spans sit in the original file (see `DocumentLocation`). */
  locations: ReadonlyMap<string, readonly DocumentLocation[]>;
  /** By docId, what holds for all its passages (see `documentContextOf`). */
  documentContext: ReadonlyMap<string, DocumentContext>;
  /** The corpus's own equivalent names, from `<corpusDir>/aliases.json` (see `aliasLookupFromJson`). */
  aliases: AliasLookup;
  retrievalOptions: RetrievalOptions;
  answerOptions: AnswerOptions;
  sentenceWeights: SentenceWeights;
}

export interface Retrieved {
  passages: Passage[];
  /** The sentence scorer that ranked them: answer extraction reuses it. */
  scoreSentence: (id: number) => SentenceScore;
}

/** Passages for a text whose vector is known. */
export async function retrievePassages(pipeline: Pipeline, text: string, vector: Float32Array, k: number): Promise<Retrieved> {
  const { retrieval } = pipeline;
  const scoreSentence = createSentenceScorer(retrieval.index, retrieval.lookup, text, vector, pipeline.sentenceWeights);
  const passages = await retrieve(retrieval, text, vector, k, scoreSentence, pipeline.retrievalOptions);
  return { passages, scoreSentence };
}

/** What a caller of `answerQuestion` can watch and stop. */
export interface AnswerHooks {
  /** The passages the answer will be drawn from, as soon as they are retrieved. */
  onPassages?(passages: readonly Passage[]): void;
  /** Stops the work between steps once aborted (a streaming client went away). */
  signal?: AbortSignal;
}

/** The quoted answer to a question whose vector is known, or an abstention. */
export async function answerQuestion(pipeline: Pipeline, question: string, vector: Float32Array, k: number, hooks: AnswerHooks = {}): Promise<AskResponse> {
  const retrieved = await retrievePassages(pipeline, question, vector, k);
  hooks.signal?.throwIfAborted();
  hooks.onPassages?.(retrieved.passages);
  return answerFrom(pipeline, question, retrieved);
}

/** The answer to a question from the passages retrieved for it. */
export function answerFrom(pipeline: Pipeline, question: string, { passages, scoreSentence }: Retrieved): AskResponse {
  const { index, lookup } = pipeline.retrieval;
  const response = extractAnswer(question, passages, index, lookup, scoreSentence, pipeline.documentContext, pipeline.answerOptions, pipeline.aliases);
  return { ...response, citations: response.citations.map((c) => ({ ...c, ...sourceLocation(pipeline, c) })) };
}

/** The page or heading path of a span's start, for the formats that have them. */
export function sourceLocation(pipeline: Pipeline, span: Span): SourceLocation {
  const locations = pipeline.locations.get(span.docId);
  return locations?.length ? locationAt(locations, span.start) : {};
}
