import { describe, expect, it } from "vitest";
import { CachedEmbedder } from "../../src/embed/cachedEmbedder.js";
import type { Embedder } from "../../src/embed/embedder.js";
import { fakeEmbedder } from "../helpers/fakeEmbedder.js";

/** A fake that records every text it was asked to embed. */
function recording(): Embedder & { seen: string[] } {
  const inner = fakeEmbedder();
  const seen: string[] = [];
  return { ...inner, seen, embed: (texts) => (seen.push(...texts), inner.embed(texts)) };
}

describe("CachedEmbedder", () => {
  it("returns the inner embedder's vectors and asks it only for texts it has not seen", async () => {
    const inner = recording();
    const cached = new CachedEmbedder(inner, 10);
    const first = await cached.embed(["a", "b"]);
    const second = await cached.embed(["b", "c", "a"]);
    expect(inner.seen).toEqual(["a", "b", "c"]);
    expect(second[0]).toEqual(first[1]);
    expect(second[2]).toEqual(first[0]);
    expect(second[1]).toEqual((await fakeEmbedder().embed(["c"]))[0]);
  });

  it("embeds a text repeated within one call once", async () => {
    const inner = recording();
    const vectors = await new CachedEmbedder(inner, 10).embed(["x", "x", "y"]);
    expect(inner.seen).toEqual(["x", "y"]);
    expect(vectors[0]).toBe(vectors[1]);
  });

  it("drops the least recently used text when full", async () => {
    const inner = recording();
    const cached = new CachedEmbedder(inner, 2);
    await cached.embed(["a"]);
    await cached.embed(["b"]);
    await cached.embed(["a"]); // a is now more recent than b
    await cached.embed(["c"]); // evicts b
    expect(cached.size).toBe(2);
    inner.seen.length = 0;
    await cached.embed(["a", "c"]);
    expect(inner.seen).toEqual([]);
    await cached.embed(["b"]);
    expect(inner.seen).toEqual(["b"]);
  });

  it("remembers nothing with capacity 0", async () => {
    const inner = recording();
    const cached = new CachedEmbedder(inner, 0);
    await cached.embed(["a"]);
    await cached.embed(["a"]);
    expect(inner.seen).toEqual(["a", "a"]);
    expect(cached.size).toBe(0);
  });
});
