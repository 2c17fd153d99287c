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
   * Postings a query reads, across its terms, best first. Each term's postings
   * are sorted by their BM25 contribution when the index is built, and a query
   * reads those above one contribution threshold, chosen so the total stays
   * within this budget: rare terms are read in full, the long tails of common
   * ones (small contributions) are skipped, and the cost of a query stops
   * growing with the corpus. The best candidates are then rescored exactly, so
   * every score returned is exact; what a cut can cost is a chunk none of whose
   * strong postings were read (measured by `npm run bench:scale`). Nothing is
   * cut when the query's terms have no more postings than this in all, as on
   * the built-in corpus. Default 8000.
   */
  maxPostingsPerQuery: number;
}

// The same parameters as MiniSearch, whose scores this index reproduces exactly
// when no postings list is cut (test/retrieval/lexicalIndex.test.ts).
export const DEFAULT_LEXICAL: LexicalIndexOptions = { k1: 1.2, b: 0.7, delta: 0.5, maxPostingsPerQuery: 8000 };

interface Postings {
  /** Position of the term in the forward index's term numbering. */
  term: number;
  ids: Int32Array;
  /** BM25 contribution of the term to each chunk, descending. */
  scores: Float64Array;
}

// Candidates rescored exactly per result asked for, when a query's postings were cut.
const RESCORED_PER_RESULT = 10;
// One rescoring lookup (a binary search in a chunk's terms) costs about as much as
// reading this many postings.
const RESCORE_LOOKUP_COST = 4;

const indexTerm = (token: string): string | null => (isStopword(token) ? null : stem(token));

/** How often each indexed term occurs in the tokens: a chunk's term frequencies, a query's term multiplicities. */
function termCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    const term = indexTerm(token);
    if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * Whole-word BM25 with the same tokens, stopwords and stems as the rest of the
 * service. A chunk's score is the sum of its terms' contributions times the
 * number of distinct query terms it holds, as in MiniSearch.
 */
export function createLexicalIndex(chunks: readonly Span[], options: Partial<LexicalIndexOptions> = {}): LexicalIndex {
  const { k1, b, delta, maxPostingsPerQuery } = { ...DEFAULT_LEXICAL, ...options };
  if (!(maxPostingsPerQuery >= 1)) throw new RangeError(`maxPostingsPerQuery must be at least 1, got ${maxPostingsPerQuery}.`);

  // Length is the number of distinct tokens, stopwords included (MiniSearch's measure).
  const lengths = new Float64Array(chunks.length);
  const frequencies = new Map<string, { ids: number[]; counts: number[] }>();
  chunks.forEach((chunk, id) => {
    const tokens = tokenize(chunk.text);
    lengths[id] = new Set(tokens).size;
    for (const [term, count] of termCounts(tokens)) {
      let entry = frequencies.get(term);
      if (!entry) frequencies.set(term, (entry = { ids: [], counts: [] }));
      entry.ids.push(id);
      entry.counts.push(count);
    }
  });

  const averageLength = lengths.reduce((sum, l) => sum + l, 0) / Math.max(1, chunks.length);
  const postings = new Map<string, Postings>();
  // The forward index (each chunk's terms, by term number, with their contributions)
  // rescores candidates exactly when a query could not read every posting.
  const offsets = new Int32Array(chunks.length + 1);
  for (const { ids } of frequencies.values()) for (const id of ids) offsets[id + 1]! += 1;
  for (let id = 0; id < chunks.length; id++) offsets[id + 1]! += offsets[id]!;
  const forwardTerms = new Int32Array(offsets[chunks.length]!);
  const forwardScores = new Float64Array(offsets[chunks.length]!);
  const filled = offsets.slice(0, chunks.length);
  let termNumber = 0;
  for (const [term, { ids, counts }] of frequencies) {
    const idf = Math.log(1 + (chunks.length - ids.length + 0.5) / (ids.length + 0.5));
    const contribution = ids.map((id, i) => {
      const tf = counts[i]!;
      return idf * (delta + (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[id]!) / averageLength)));
    });
    ids.forEach((id, i) => {
      // Terms are numbered in this loop's order, so each chunk's entries come out sorted.
      forwardTerms[filled[id]!] = termNumber;
      forwardScores[filled[id]!++] = contribution[i]!;
    });
    const order = ids.map((_, i) => i).sort((x, y) => contribution[y]! - contribution[x]! || ids[x]! - ids[y]!);
    postings.set(term, { term: termNumber++, ids: Int32Array.from(order, (i) => ids[i]!), scores: Float64Array.from(order, (i) => contribution[i]!) });
  }
  /** The term's contribution to the chunk, 0 if the chunk lacks it. */
  const contributionTo = (id: number, term: number): number => {
    let lo = offsets[id]!;
    let hi = offsets[id + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (forwardTerms[mid]! < term) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets[id + 1]! && forwardTerms[lo] === term ? forwardScores[lo]! : 0;
  };

  // Reused by every query; only the entries a query touched are reset.
  const sums = new Float64Array(chunks.length);
  const matchedTerms = new Uint16Array(chunks.length);
  const touched = new Int32Array(chunks.length);

  return {
    search(query, wanted) {
      const n = Math.max(0, Math.floor(wanted));
      const lists: { list: Postings; times: number }[] = [];
      for (const [term, times] of termCounts(tokenize(query))) {
        const list = postings.get(term);
        if (list) lists.push({ list, times });
      }
      // Cutting pays only when it saves more reads than rescoring costs.
      const rescoringCost = n * RESCORED_PER_RESULT * lists.length * RESCORE_LOOKUP_COST;
      const reads = postingsToRead(lists, maxPostingsPerQuery, maxPostingsPerQuery + rescoringCost);
      let touchedCount = 0;
      lists.forEach(({ list, times }, t) => {
        for (let i = 0; i < reads[t]!; i++) {
          const id = list.ids[i]!;
          if (matchedTerms[id] === 0) touched[touchedCount++] = id;
          sums[id]! += times * list.scores[i]!;
          matchedTerms[id]! += 1;
        }
      });
      const complete = reads.every((read, t) => read === lists[t]!.list.ids.length);
      // With every posting read the sums are exact; otherwise the best partial
      // sums are candidates, and each is rescored from the forward index.
      const best = new TopHits(complete ? n : n * RESCORED_PER_RESULT);
      for (let i = 0; i < touchedCount; i++) {
        const id = touched[i]!;
        best.offer(id, sums[id]! * matchedTerms[id]!);
        sums[id] = 0;
        matchedTerms[id] = 0;
      }
      if (complete) return best.sorted();
      const rescored = new TopHits(n);
      for (const id of best.heldIds()) {
        let sum = 0;
        let matched = 0;
        for (let t = 0; t < lists.length; t++) {
          const contribution = contributionTo(id, lists[t]!.list.term);
          if (contribution > 0) {
            sum += lists[t]!.times * contribution;
            matched++;
          }
        }
        rescored.offer(id, sum * matched);
      }
      return rescored.sorted();
    },
  };
}

/**
 * Every posting when there are at most `readAllUpTo` (≥ `budget`); otherwise, of each list, those whose
 * weighted contribution reaches a threshold chosen so the total stays within `budget`.
 */
function postingsToRead(lists: readonly { list: Postings; times: number }[], budget: number, readAllUpTo: number): number[] {
  const lengths = lists.map(({ list }) => list.ids.length);
  if (lengths.reduce((sum, l) => sum + l, 0) <= readAllUpTo) return lengths;
  // Contributions are sorted descending in each list: count those ≥ threshold by binary search.
  const countAtLeast = ({ list, times }: { list: Postings; times: number }, threshold: number) => {
    let lo = 0;
    let hi = list.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times * list.scores[mid]! >= threshold) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let low = 0;
  let high = Math.max(...lists.map(({ list, times }) => times * list.scores[0]!));
  for (let i = 0; i < 40; i++) {
    const mid = (low + high) / 2;
    if (lists.reduce((sum, l) => sum + countAtLeast(l, mid), 0) > budget) low = mid;
    else high = mid;
  }
  return lists.map((l) => countAtLeast(l, high));
}

/** True when hit (scoreA, idA) ranks above hit (scoreB, idB): higher score, then lower id. */
const ranksAbove = (scoreA: number, idA: number, scoreB: number, idB: number) => scoreA > scoreB || (scoreA === scoreB && idA < idB);

/**
 * The n best hits of a stream, kept in a min-heap of typed arrays: a query can
 * touch thousands of chunks, and sorting them all to keep thirty costs more
 * than scoring them; an object per offered hit would be garbage the collector
 * pays for on every query.
 */
class TopHits {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  /** `n` whole and non-negative: a fractional n would let the heap outgrow its arrays. */
  constructor(private readonly n: number) {
    this.ids = new Int32Array(n);
    this.scores = new Float64Array(n);
  }

  offer(id: number, score: number): void {
    const { ids, scores } = this;
    if (this.size < this.n) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!ranksAbove(scores[parent]!, ids[parent]!, score, id)) break;
        ids[i] = ids[parent]!;
        scores[i] = scores[parent]!;
        i = parent;
      }
      ids[i] = id;
      scores[i] = score;
    } else if (this.n > 0 && ranksAbove(score, id, scores[0]!, ids[0]!)) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let worst = i;
        let worstScore = score;
        let worstId = id;
        if (left < this.size && ranksAbove(worstScore, worstId, scores[left]!, ids[left]!)) {
          worst = left;
          worstScore = scores[left]!;
          worstId = ids[left]!;
        }
        if (right < this.size && ranksAbove(worstScore, worstId, scores[right]!, ids[right]!)) worst = right;
        if (worst === i) break;
        ids[i] = ids[worst]!;
        scores[i] = scores[worst]!;
        i = worst;
      }
      ids[i] = id;
      scores[i] = score;
    }
  }

  /** The ids held, in no particular order: a view of the heap itself, valid until the next offer. */
  heldIds(): Int32Array {
    return this.ids.subarray(0, this.size);
  }

  sorted(): LexicalHit[] {
    const hits: LexicalHit[] = [];
    for (let i = 0; i < this.size; i++) hits.push({ id: this.ids[i]!, score: this.scores[i]! });
    return hits.sort((a, b) => (ranksAbove(a.score, a.id, b.score, b.id) ? -1 : 1));
  }
}
