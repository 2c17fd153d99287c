import type { LoadedIndex } from "../store/indexParts.js";
import type { Span } from "../types.js";
import type { LexicalIndex } from "./lexicalIndex.js";
import type { SentenceLookup } from "./sentenceLookup.js";
import type { SentenceScore } from "./scoreSentences.js";
import { uncoveredPart, type Range } from "./uncoveredPart.js";

export interface RetrievalOptions {
  /** Which first-stage retrievers run. */
  mode: "dense" | "lexical" | "hybrid";
  /** How hybrid ranks combine: reciprocal rank fusion or a weighted sum of normalised scores. */
  fusion: "rrf" | "convex";
  /** RRF's rank offset. */
  rrfK: number;
  /** Convex fusion's weight of the dense score (the lexical one gets the rest). */
  denseWeight: number;
  /** Candidates each first-stage retriever contributes, at least k. */
  candidates: number;
  /** Weight of the best sentence's score in the second stage; 0 turns reranking off. */
  rerankWeight: number;
  /**
   * Overlapping or touching hits from one document become one passage, and a
   * hit that cannot join (see maxPassageChars) keeps only the text no other
   * passage holds: results never repeat text.
   */
  mergeAdjacent: boolean;
  /** A merge that would make a passage longer than this is not made. */
  maxPassageChars: number;
}

export const DEFAULT_RETRIEVAL: RetrievalOptions = {
  mode: "hybrid",
  fusion: "convex",
  rrfK: 60,
  denseWeight: 0.6,
  candidates: 30,
  rerankWeight: 1.0,
  mergeAdjacent: true,
  maxPassageChars: 1000,
};

export interface Passage extends Span {
  title: string;
  score: number;
  /** Best dense similarity among the chunks the passage is made of. */
  dense: number;
}

export interface RetrievalContext {
  index: LoadedIndex;
  lexical: LexicalIndex;
  lookup: SentenceLookup;
  titles: ReadonlyMap<string, string>;
  documentText: (docId: string) => string;
}

interface Candidate {
  id: number;
  dense: number;
  fused: number;
  score: number;
}

/** First stage (dense, BM25 or both, fused), optional sentence-level rerank, then merging of neighbouring hits. */
export async function retrieve(
  ctx: RetrievalContext,
  query: string,
  queryVector: Float32Array,
  k: number,
  scoreSentence: (id: number) => SentenceScore,
  options: RetrievalOptions = DEFAULT_RETRIEVAL,
): Promise<Passage[]> {
  const n = Math.max(k, options.candidates);
  const denseHits = options.mode === "lexical" ? [] : await ctx.index.chunkStore.search(queryVector, n);
  const lexicalHits = options.mode === "dense" ? [] : ctx.lexical.search(query, n);

  const candidates = new Map<number, Candidate>();
  const entry = (id: number) => {
    let c = candidates.get(id);
    if (!c) candidates.set(id, (c = { id, dense: NaN, fused: 0, score: 0 }));
    return c;
  };
  const maxLexical = lexicalHits[0]?.score ?? 1;
  if (options.fusion === "rrf" || options.mode !== "hybrid") {
    denseHits.forEach((h, rank) => {
      const c = entry(h.id);
      c.dense = h.score;
      c.fused += 1 / (options.rrfK + rank + 1);
    });
    lexicalHits.forEach((h, rank) => (entry(h.id).fused += 1 / (options.rrfK + rank + 1)));
  } else {
    denseHits.forEach((h) => {
      const c = entry(h.id);
      c.dense = h.score;
      c.fused += options.denseWeight * h.score;
    });
    lexicalHits.forEach((h) => (entry(h.id).fused += (1 - options.denseWeight) * (h.score / maxLexical)));
  }

  const all = [...candidates.values()];
  const maxFused = Math.max(...all.map((c) => c.fused), Number.EPSILON);
  for (const c of all) {
    const best = Number.isNaN(c.dense) || options.rerankWeight > 0 ? bestSentence(ctx, c.id, scoreSentence) : undefined;
    if (Number.isNaN(c.dense)) c.dense = best!.dense;
    c.score = c.fused / maxFused;
    if (options.rerankWeight > 0) c.score += options.rerankWeight * best!.score;
  }
  all.sort((a, b) => b.score - a.score);
  return toPassages(ctx, all, k, options);
}

function bestSentence(ctx: RetrievalContext, chunkId: number, scoreSentence: (id: number) => SentenceScore): SentenceScore {
  let best: SentenceScore = { dense: 0, lexical: 0, typed: false, score: -Infinity };
  for (const id of ctx.lookup.ofChunk(chunkId)) {
    const s = scoreSentence(id);
    if (s.score > best.score) best = s;
  }
  return best;
}

/**
 * Best-first passages. A lower-ranked hit that overlaps or touches kept
 * passages of its document joins them into one (all of them, when it bridges
 * two). When that would make a passage longer than `maxPassageChars`, the hit
 * keeps only the text no kept passage holds (see `newText`), which joins the
 * best neighbour it fits beside or becomes a passage of its own: no two
 * passages repeat the same text.
 */
function toPassages(ctx: RetrievalContext, ranked: Candidate[], k: number, options: RetrievalOptions): Passage[] {
  const passages: Passage[] = [];
  const fits = (parts: readonly Place[]) => {
    const { start, end } = hull(parts);
    return end - start <= options.maxPassageChars;
  };
  /** Extends `host` over `place` and absorbs `others` (passages it now covers). */
  const join = (host: Passage, place: Place, others: readonly Passage[], dense: number) => {
    Object.assign(host, hull([host, place, ...others]));
    host.dense = Math.max(dense, ...others.map((p) => p.dense), host.dense);
    for (const p of others) passages.splice(passages.indexOf(p), 1);
  };
  for (const c of ranked) {
    const chunk = ctx.index.chunks[c.id]!;
    let place: Place | undefined = chunk;
    if (options.mergeAdjacent) {
      const sameDoc = passages.filter((p) => p.docId === chunk.docId);
      // In rank order, so the best of them hosts the join.
      const near = sameDoc.filter((p) => touches(ctx, p, chunk));
      if (near.length > 0 && fits([chunk, ...near])) {
        join(near[0]!, chunk, near.slice(1), c.dense);
        continue;
      }
      place = newText(ctx, chunk, sameDoc);
      if (!place) continue;
      const free = place;
      const host = sameDoc.find((p) => touches(ctx, p, free) && fits([p, free]));
      if (host) {
        join(host, free, [], c.dense);
        continue;
      }
    }
    if (passages.length === k) break;
    passages.push({ docId: chunk.docId, start: place.start, end: place.end, text: "", title: ctx.titles.get(chunk.docId) ?? chunk.docId, score: c.score, dense: c.dense });
  }
  for (const p of passages) p.text = documentSlice(ctx, p);
  return passages;
}

/** Where a span lies, without its text. */
type Place = Range & Pick<Span, "docId">;

/** The smallest range that holds every part. */
const hull = (parts: readonly Range[]): Range => ({
  start: Math.min(...parts.map((p) => p.start)),
  end: Math.max(...parts.map((p) => p.end)),
});

// A remnant shorter than this (a clause, a heading) is not worth a result of its own.
const MIN_REMNANT_CHARS = 40;

/**
 * The part of `chunk` that no kept passage holds: the chunk itself when none
 * overlaps it, otherwise the longest free stretch without its surrounding
 * whitespace, or undefined when less than MIN_REMNANT_CHARS of it is left.
 */
function newText(ctx: RetrievalContext, chunk: Place, kept: readonly Place[]): Place | undefined {
  const part = uncoveredPart(chunk, kept);
  if (!part) return undefined;
  if (part.start === chunk.start && part.end === chunk.end) return chunk;
  const text = ctx.documentText(chunk.docId).slice(part.start, part.end);
  const start = part.start + (text.length - text.trimStart().length);
  const end = part.end - (text.length - text.trimEnd().length);
  return end - start >= MIN_REMNANT_CHARS ? { docId: chunk.docId, start, end } : undefined;
}

/** True when the spans overlap or only whitespace separates them. */
function touches(ctx: RetrievalContext, a: Place, b: Place): boolean {
  if (a.start <= b.end && b.start <= a.end) return true;
  const [first, second] = a.end < b.start ? [a, b] : [b, a];
  return /^\s*$/.test(gapText(ctx, first.docId, first.end, second.start));
}

function gapText(ctx: RetrievalContext, docId: string, start: number, end: number): string {
  if (end - start > 8) return "x";
  return ctx.documentText(docId).slice(start, end);
}

function documentSlice(ctx: RetrievalContext, span: Span): string {
  return ctx.documentText(span.docId).slice(span.start, span.end);
}
