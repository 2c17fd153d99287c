/** A ranked id: a chunk or sentence row and its score. */
export interface Hit {
  id: number;
  score: number;
}

/** True when hit (scoreA, idA) ranks above hit (scoreB, idB): higher score, then lower id. */
const ranksAbove = (scoreA: number, idA: number, scoreB: number, idB: number) => scoreA > scoreB || (scoreA === scoreB && idA < idB);

/**
 * The n best hits of a stream (highest score first, then lowest id), kept in a
 * min-heap of typed arrays: a query can touch thousands of chunks, and sorting
 * them all to keep thirty costs more than scoring them; an object per offered
 * hit would be garbage the collector pays for on every query.
 */
export class TopHits {
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

  sorted(): Hit[] {
    const hits: Hit[] = [];
    for (let i = 0; i < this.size; i++) hits.push({ id: this.ids[i]!, score: this.scores[i]! });
    return hits.sort((a, b) => (ranksAbove(a.score, a.id, b.score, b.id) ? -1 : 1));
  }
}
