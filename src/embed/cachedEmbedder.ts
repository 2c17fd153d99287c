import type { Embedder } from "./embedder.js";

/**
 * Remembers the vectors of recent texts (least recently used go first), so a
 * repeated question costs no forward pass. The vectors are shared: callers
 * must not write to them.
 */
export class CachedEmbedder implements Embedder {
  readonly specificationVersion = "v1" as const;
  readonly modelId: string;
  readonly dimensions: number;
  private readonly cache = new Map<string, Float32Array>();

  constructor(
    private readonly inner: Embedder,
    readonly capacity: number,
  ) {
    this.modelId = inner.modelId;
    this.dimensions = inner.dimensions;
  }

  get size(): number {
    return this.cache.size;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors = texts.map((text) => this.recall(text));
    const missing = [...new Set(texts.filter((_, i) => vectors[i] === undefined))];
    if (missing.length > 0) {
      const fresh = await this.inner.embed(missing);
      missing.forEach((text, i) => this.remember(text, fresh[i]!));
      const byText = new Map(missing.map((text, i) => [text, fresh[i]!]));
      texts.forEach((text, i) => (vectors[i] ??= byText.get(text)));
    }
    return vectors as Float32Array[];
  }

  private recall(text: string): Float32Array | undefined {
    const vector = this.cache.get(text);
    if (vector) {
      // Map keeps insertion order: re-inserting marks the entry as the most recent.
      this.cache.delete(text);
      this.cache.set(text, vector);
    }
    return vector;
  }

  private remember(text: string, vector: Float32Array): void {
    if (this.capacity <= 0) return;
    this.cache.set(text, vector);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
  }
}
