import { describe, expect, it } from "vitest";
import { uncoveredPart } from "../../src/retrieval/uncoveredPart.js";

describe("uncoveredPart", () => {
  it("returns the range itself when nothing overlaps it (touching is not overlapping)", () => {
    expect(uncoveredPart({ start: 10, end: 20 }, [])).toEqual({ start: 10, end: 20 });
    expect(uncoveredPart({ start: 10, end: 20 }, [{ start: 0, end: 10 }, { start: 20, end: 30 }])).toEqual({ start: 10, end: 20 });
  });

  it("cuts off what a covered range holds on either side", () => {
    expect(uncoveredPart({ start: 10, end: 20 }, [{ start: 0, end: 14 }])).toEqual({ start: 14, end: 20 });
    expect(uncoveredPart({ start: 10, end: 20 }, [{ start: 17, end: 40 }])).toEqual({ start: 10, end: 17 });
  });

  it("keeps the longest free stretch when covered ranges leave several", () => {
    const covered = [{ start: 12, end: 14 }, { start: 0, end: 11 }, { start: 18, end: 19 }];
    expect(uncoveredPart({ start: 10, end: 20 }, covered)).toEqual({ start: 14, end: 18 });
  });

  it("returns undefined when the range is covered, by one range or by several that overlap each other", () => {
    expect(uncoveredPart({ start: 10, end: 20 }, [{ start: 5, end: 25 }])).toBeUndefined();
    expect(uncoveredPart({ start: 10, end: 20 }, [{ start: 10, end: 16 }, { start: 12, end: 20 }])).toBeUndefined();
  });
});
