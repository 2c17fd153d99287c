import { timeSlices } from "../timeSlices.js";
import type { ForwardIndex, LexicalPostings, SentenceTerms, Vocabulary } from "./indexParts.js";

// What a build's parts must satisfy before search relies on it (the long checks in time slices). Each check
// returns what is wrong, or undefined: a damaged build is refused at load with
// the reason, instead of crashing a request or quietly ranking wrong.

export const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === "string");

/** The terms are distinct, so each has one number. */
export const vocabularyProblem = (terms: string[], vocabulary: Vocabulary): string | undefined =>
  vocabulary.size === terms.length ? undefined : "the vocabulary lists a term twice";

/** `offsets` cuts `total` entries into `parts` consecutive runs: 0 first, `total` last, never decreasing. */
function partitions(offsets: Int32Array, parts: number, total: number): boolean {
  if (offsets.length !== parts + 1 || offsets[0] !== 0 || offsets[parts] !== total) return false;
  for (let i = 0; i < parts; i++) if (offsets[i]! > offsets[i + 1]!) return false;
  return true;
}

/** A run of postings per vocabulary term, each a chunk of the build at most once per term, with finite contributions in descending order. */
export async function postingsProblem({ offsets, ids, scores }: LexicalPostings, termCount: number, chunkCount: number): Promise<string | undefined> {
  if (!partitions(offsets, termCount, ids.length) || scores.length !== ids.length) return "lexical postings are cut or misaligned";
  const lastTerm = new Int32Array(chunkCount).fill(-1);
  const slices = timeSlices();
  for (let t = 0; t < termCount; t++) {
    for (let i = offsets[t]!; i < offsets[t + 1]!; i++) {
      if ((i & 0xfff) === 0 && slices.due()) await slices.pause();
      const id = ids[i]!;
      if (!(id >= 0 && id < chunkCount) || lastTerm[id] === t) return "lexical postings name chunks the build lacks, or one twice";
      lastTerm[id] = t;
      if (!Number.isFinite(scores[i]!) || (i > offsets[t]! && scores[i]! > scores[i - 1]!)) return "lexical postings are not in descending order of contribution";
    }
  }
  return undefined;
}

/** The postings by chunk: as many entries, each chunk's terms in range and strictly ascending, finite contributions. */
export async function forwardProblem({ offsets, terms, scores }: ForwardIndex, postings: LexicalPostings, termCount: number): Promise<string | undefined> {
  if (!partitions(offsets, postings.chunkCount, postings.ids.length) || terms.length !== offsets[postings.chunkCount] || scores.length !== terms.length) {
    return "the forward index is cut or misaligned";
  }
  const slices = timeSlices();
  for (let c = 0; c < postings.chunkCount; c++) {
    if ((c & 0xff) === 0 && slices.due()) await slices.pause();
    for (let i = offsets[c]!; i < offsets[c + 1]!; i++) {
      if (!(terms[i]! >= 0 && terms[i]! < termCount) || (i > offsets[c]! && terms[i]! <= terms[i - 1]!) || !Number.isFinite(scores[i]!)) {
        return "the forward index names terms out of order or out of range";
      }
    }
  }
  return undefined;
}

/** Each sentence's term numbers are in range and strictly ascending. */
export async function sentenceTermsProblem({ offsets, ids }: SentenceTerms, termCount: number, sentenceCount: number): Promise<string | undefined> {
  if (!partitions(offsets, sentenceCount, ids.length)) return "sentence terms are cut or misaligned";
  const slices = timeSlices();
  for (let s = 0; s < sentenceCount; s++) {
    if ((s & 0xff) === 0 && slices.due()) await slices.pause();
    for (let i = offsets[s]!; i < offsets[s + 1]!; i++) {
      if (!(ids[i]! >= 0 && ids[i]! < termCount)) return "sentence terms name terms the vocabulary lacks";
      if (i > offsets[s]! && ids[i]! <= ids[i - 1]!) return "sentence terms are not in ascending order";
    }
  }
  return undefined;
}
