/** Where a stretch of extracted text sits in its source: applies from `start` to the next location's start. */
export interface DocumentLocation {
  start: number;
  /** 1-based PDF page. */
  page?: number;
  /** Titles of the enclosing headings, outermost first. */
  headingPath?: string[];
}

/** The location in force at `offset`: the last one starting at or before it (none before the first). */
export function locationAt(locations: readonly DocumentLocation[], offset: number): { page?: number; headingPath?: string[] } {
  let lo = 0;
  let hi = locations.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (locations[mid]!.start <= offset) lo = mid + 1;
    else hi = mid;
  }
  const found = locations[lo - 1];
  if (!found) return {};
  const { page, headingPath } = found;
  return { ...(page !== undefined && { page }), ...(headingPath && { headingPath }) };
}

/** Follows the heading outline: a heading closes every open heading of its level or deeper. */
export class HeadingOutline {
  readonly locations: DocumentLocation[] = [];
  readonly #open: { depth: number; title: string }[] = [];

  enter(depth: number, title: string, start: number): void {
    while (this.#open.length > 0 && this.#open.at(-1)!.depth >= depth) this.#open.pop();
    this.#open.push({ depth, title });
    this.locations.push({ start, headingPath: this.#open.map((h) => h.title) });
  }
}
