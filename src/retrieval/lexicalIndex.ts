import type { ForwardIndex, LexicalPostings, Vocabulary } from "../store/indexParts.js";
import { termCounts } from "./lexicalPostings.js";
import { indexInSortedRun, partitionPoint } from "../sortedArrays.js";
import { TopHits, type Hit } from "../topHits.js";
import { tokenize } from "./terms.js";
import { forwardIndexOf } from "./forwardIndex.js";

/** A chunk row id and its BM25 score. */
export type LexicalHit = Hit;

export interface LexicalIndex {
  /** BM25 over chunk texts; ids are chunk row ids. */
  search(query: string, n: number): LexicalHit[];
}

export interface LexicalIndexOptions {
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

export const DEFAULT_LEXICAL: LexicalIndexOptions = { maxPostingsPerQuery: 8000 };

/** One query term's postings: `[start, end)` of the flat arrays, and how often the query repeats the term. */
interface QueryTerm {
  term: number;
  start: number;
  end: number;
  times: number;
}

// Candidates rescored exactly per result asked for, when a query's postings were cut.
const RESCORED_PER_RESULT = 10;
// One rescoring lookup (a binary search in a chunk's terms) costs about as much as
// reading this many postings.
const RESCORE_LOOKUP_COST = 4;

/**
 * Searches BM25 postings (`buildLexicalPostings`), their terms numbered by
 * `vocabulary`. A chunk's score is the sum of its terms' contributions times
 * the number of distinct query terms it holds, as in MiniSearch.
 */
export async function createLexicalIndex(
  postings: LexicalPostings,
  vocabulary: Vocabulary,
  options: Partial<LexicalIndexOptions> = {},
  /** The build's stored forward index; worked out from the postings when absent. */
  forward?: ForwardIndex,
): Promise<LexicalIndex> {
  const { maxPostingsPerQuery } = { ...DEFAULT_LEXICAL, ...options };
  if (!(maxPostingsPerQuery >= 1)) throw new RangeError(`maxPostingsPerQuery must be at least 1, got ${maxPostingsPerQuery}.`);
  const { offsets: postingOffsets, ids: postingIds, scores: postingScores, chunkCount } = postings;

  // The forward index rescores candidates exactly when a query could not read every posting.
  const { offsets, terms: forwardTerms, scores: forwardScores } = forward ?? (await forwardIndexOf(postings));
  /** The term's contribution to the chunk, 0 if the chunk lacks it. */
  const contributionTo = (id: number, term: number): number => {
    const at = indexInSortedRun(forwardTerms, offsets[id]!, offsets[id + 1]!, term);
    return at < 0 ? 0 : forwardScores[at]!;
  };

  // Reused by every query; only the entries a query touched are reset.
  const sums = new Float64Array(chunkCount);
  const matchedTerms = new Uint16Array(chunkCount);
  const touched = new Int32Array(chunkCount);

  return {
    search(query, wanted) {
      const n = Math.max(0, Math.floor(wanted));
      const lists: QueryTerm[] = [];
      for (const [term, times] of termCounts(tokenize(query))) {
        const t = vocabulary.get(term);
        // Terms only sentences use have an empty run; they match no chunk.
        if (t !== undefined && postingOffsets[t + 1]! > postingOffsets[t]!) {
          lists.push({ term: t, start: postingOffsets[t]!, end: postingOffsets[t + 1]!, times });
        }
      }
      // Cutting pays only when it saves more reads than rescoring costs.
      const rescoringCost = n * RESCORED_PER_RESULT * lists.length * RESCORE_LOOKUP_COST;
      const reads = postingsToRead(lists, postingScores, maxPostingsPerQuery, maxPostingsPerQuery + rescoringCost);
      let touchedCount = 0;
      lists.forEach(({ start, times }, t) => {
        for (let i = start; i < start + reads[t]!; i++) {
          const id = postingIds[i]!;
          if (matchedTerms[id] === 0) touched[touchedCount++] = id;
          sums[id]! += times * postingScores[i]!;
          matchedTerms[id]! += 1;
        }
      });
      const complete = reads.every((read, t) => read === lists[t]!.end - lists[t]!.start);
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
        for (const { term, times } of lists) {
          const contribution = contributionTo(id, term);
          if (contribution > 0) {
            sum += times * contribution;
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
function postingsToRead(lists: readonly QueryTerm[], scores: Float32Array, budget: number, readAllUpTo: number): number[] {
  const lengths = lists.map(({ start, end }) => end - start);
  if (lengths.reduce((sum, l) => sum + l, 0) <= readAllUpTo) return lengths;
  // Contributions are sorted descending in each list: count those ≥ threshold by binary search.
  const countAtLeast = ({ start, end, times }: QueryTerm, threshold: number) =>
    partitionPoint(start, end, (i) => times * scores[i]! >= threshold) - start;
  let low = 0;
  let high = Math.max(...lists.map(({ start, times }) => times * scores[start]!));
  for (let i = 0; i < 40; i++) {
    const mid = (low + high) / 2;
    if (lists.reduce((sum, l) => sum + countAtLeast(l, mid), 0) > budget) low = mid;
    else high = mid;
  }
  return lists.map((l) => countAtLeast(l, high));
}
