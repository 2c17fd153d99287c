import type { LoadedIndex } from "../store/indexParts.js";
import type { Span } from "../types.js";

export interface Passage extends Span {
  title: string;
  score: number;
}

/** Dense retrieval: the k chunks nearest the query vector, best first. */
export async function retrievePassages(
  index: LoadedIndex,
  titles: ReadonlyMap<string, string>,
  queryVector: Float32Array,
  k: number,
): Promise<Passage[]> {
  const hits = await index.chunkStore.search(queryVector, k);
  return hits.map(({ id, score }) => {
    const chunk = index.chunks[id]!;
    return { ...chunk, title: titles.get(chunk.docId) ?? chunk.docId, score };
  });
}
