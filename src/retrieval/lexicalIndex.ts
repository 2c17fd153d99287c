import type { Span } from "../types.js";
import { isStopword, stem, tokenize } from "./terms.js";

export interface LexicalHit {
  id: number;
  score: number;
}

export interface LexicalIndex {
  /** BM25 over chunk texts; ids are chunk row ids. */
  search(query: string, n: number): LexicalHit[];
}

export interface LexicalIndexOptions {
  /** BM25 term-frequency saturation. Default 1.2. */
  k1: number;
  /** BM25 length normalisation. Default 0.7. */
  b: number;
  /** BM25+ floor added to every match, so long chunks are not zeroed out. Default 0.5. */
  delta: number;
  /**
   * Postings read per query term, best first. A term's postings are sorted by
   * their BM25 contribution when the index is built, so a query reads only the
   * chunks where each term weighs most: the cost of a query stops growing with
   * the corpus. Below this many chunks every posting is read and scores are
   * exact. Default 1000.
   */
  maxPostingsPerTerm: number;
}

// The same parameters as MiniSearch, whose scores this index reproduces exactly
// when no postings list is cut (test/retrieval/lexicalIndex.test.ts).
export const DEFAULT_LEXICAL: LexicalIndexOptions = { k1: 1.2, b: 0.7, delta: 0.5, maxPostingsPerTerm: 1000 };

interface Postings {
  ids: Int32Array;
  /** BM25 contribution of the term to each chunk, descending. */
  scores: Float64Array;
}

const indexTerm = (token: string): string | null => (isStopword(token) ? null : stem(token));

/**
 * Whole-word BM25 with the same tokens, stopwords and stems as the rest of the
 * service. A chunk's score is the sum of its terms' contributions times the
 * number of distinct query terms it holds, as in MiniSearch.
 */
export function createLexicalIndex(chunks: readonly Span[], options: Partial<LexicalIndexOptions> = {}): LexicalIndex {
  const { k1, b, delta, maxPostingsPerTerm } = { ...DEFAULT_LEXICAL, ...options };
  if (!(maxPostingsPerTerm >= 1)) throw new RangeError(`maxPostingsPerTerm must be at least 1, got ${maxPostingsPerTerm}.`);

  // Length is the number of distinct tokens, stopwords included (MiniSearch's measure).
  const lengths = new Float64Array(chunks.length);
  const frequencies = new Map<string, { ids: number[]; counts: number[] }>();
  chunks.forEach((chunk, id) => {
    const tokens = tokenize(chunk.text);
    lengths[id] = new Set(tokens).size;
    const counts = new Map<string, number>();
    for (const token of tokens) {
      const term = indexTerm(token);
      if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    for (const [term, count] of counts) {
      let entry = frequencies.get(term);
      if (!entry) frequencies.set(term, (entry = { ids: [], counts: [] }));
      entry.ids.push(id);
      entry.counts.push(count);
    }
  });

  const averageLength = lengths.reduce((sum, l) => sum + l, 0) / Math.max(1, chunks.length);
  const postings = new Map<string, Postings>();
  for (const [term, { ids, counts }] of frequencies) {
    const idf = Math.log(1 + (chunks.length - ids.length + 0.5) / (ids.length + 0.5));
    const contribution = ids.map((id, i) => {
      const tf = counts[i]!;
      return idf * (delta + (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[id]!) / averageLength)));
    });
    const order = ids.map((_, i) => i).sort((x, y) => contribution[y]! - contribution[x]! || ids[x]! - ids[y]!);
    postings.set(term, { ids: Int32Array.from(order, (i) => ids[i]!), scores: Float64Array.from(order, (i) => contribution[i]!) });
  }

  // Reused by every query; only the entries a query touched are reset.
  const sums = new Float64Array(chunks.length);
  const matchedTerms = new Uint16Array(chunks.length);

  return {
    search(query, n) {
      const multiplicity = new Map<string, number>();
      for (const token of tokenize(query)) {
        const term = indexTerm(token);
        if (term !== null) multiplicity.set(term, (multiplicity.get(term) ?? 0) + 1);
      }
      const touched: number[] = [];
      for (const [term, times] of multiplicity) {
        const list = postings.get(term);
        if (!list) continue;
        const read = Math.min(list.ids.length, maxPostingsPerTerm);
        for (let i = 0; i < read; i++) {
          const id = list.ids[i]!;
          if (matchedTerms[id] === 0) touched.push(id);
          sums[id]! += times * list.scores[i]!;
          matchedTerms[id]! += 1;
        }
      }
      const best = new TopHits(Math.max(0, n));
      for (const id of touched) {
        best.offer(id, sums[id]! * matchedTerms[id]!);
        sums[id] = 0;
        matchedTerms[id] = 0;
      }
      return best.sorted();
    },
  };
}

const ranksAbove = (a: LexicalHit, b: LexicalHit) => a.score > b.score || (a.score === b.score && a.id < b.id);

/**
 * The n best hits of a stream, kept in a min-heap: a query can touch thousands
 * of chunks, and sorting them all to keep thirty costs more than scoring them.
 */
class TopHits {
  private readonly heap: LexicalHit[] = [];

  constructor(private readonly n: number) {}

  offer(id: number, score: number): void {
    const heap = this.heap;
    const hit = { id, score };
    if (heap.length < this.n) {
      heap.push(hit);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksAbove(heap[parent]!, heap[i]!)) break;
        [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
        i = parent;
      }
    } else if (this.n > 0 && ranksAbove(hit, heap[0]!)) {
      heap[0] = hit;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let worst = i;
        if (left < heap.length && ranksAbove(heap[worst]!, heap[left]!)) worst = left;
        if (right < heap.length && ranksAbove(heap[worst]!, heap[right]!)) worst = right;
        if (worst === i) break;
        [heap[worst], heap[i]] = [heap[i]!, heap[worst]!];
        i = worst;
      }
    }
  }

  sorted(): LexicalHit[] {
    return [...this.heap].sort((a, b) => (ranksAbove(a, b) ? -1 : 1));
  }
}
