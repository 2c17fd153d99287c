/** Position of `value` in the ascending run `values[from…to)`, or -1 when the run lacks it (binary search). */
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
