/**
 * The first index in `[from, to)` where `isBefore` turns false, for a predicate
 * that is true for a prefix of the range and false after it (binary search).
 */
export function partitionPoint(from: number, to: number, isBefore: (i: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isBefore(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Position of `value` in the ascending run `values[from…to)`, or -1 when the run
 * lacks it. Its own loop, not `partitionPoint`: it runs per sentence and term of
 * every query, and the closure made searches at 100k chunks 8–12 % slower.
 */
export function indexInSortedRun(values: Int32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < to && values[lo] === value ? lo : -1;
}
