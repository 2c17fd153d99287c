/** A half-open character range [start, end). */
export interface Range {
  start: number;
  end: number;
}

/**
 * The longest part of `range` that none of `covered` overlaps, or undefined
 * when nothing of it is left. Search results use it so that two passages
 * never repeat the same text: a hit that overlaps a better-ranked passage,
 * but could not be merged into it without passing the passage length limit,
 * keeps only what it adds.
 */
export function uncoveredPart(range: Range, covered: readonly Range[]): Range | undefined {
  const cuts = covered
    .filter((c) => c.start < c.end && c.start < range.end && range.start < c.end)
    .sort((a, b) => a.start - b.start);
  let best: Range | undefined;
  let from = range.start;
  for (const c of [...cuts, { start: range.end, end: range.end }]) {
    if (c.start > from && (!best || c.start - from > best.end - best.start)) best = { start: from, end: c.start };
    from = Math.max(from, c.end);
  }
  return best;
}
