import { describe, expect, it } from "vitest";
import { soak } from "../../scripts/bench/soak.js";

// The short form of `npm run soak`: the real service in its own process, 32
// connections on /v1/ask, every request answered (MAX_CONCURRENT_REQUESTS
// above the connection count, as a deployment sized for its load would set it).
describe("soak (short)", () => {
  it("answers every request of 5 s at 32 connections, and memory stays bounded", async () => {
    const result = await soak(5, 32);
    expect(result.requests).toBeGreaterThan(50);
    expect(result.errors, result.firstFailure).toBe(0);
    expect(result.non2xx, result.firstFailure).toBe(0);
    expect(result.rssAfterMb - result.rssBeforeMb).toBeLessThan(200);
  }, 240_000);
});
