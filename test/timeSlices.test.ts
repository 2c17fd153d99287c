import { describe, expect, it } from "vitest";
import { timeSlices } from "../src/timeSlices.js";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("timeSlices", () => {
  it("is due once a slice has run out, and a pause starts a new slice", async () => {
    const slices = timeSlices(5);
    expect(slices.due()).toBe(false);
    busy(6);
    expect(slices.due()).toBe(true);
    await slices.pause();
    expect(slices.due()).toBe(false);
  });

  it("lets timers run in work that pauses whenever a slice is due", async () => {
    const slices = timeSlices(2);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const end = performance.now() + 50;
      while (performance.now() < end) if (slices.due()) await slices.pause();
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(1);
  });
});
