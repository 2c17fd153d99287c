import type { ForwardIndex, LexicalPostings } from "../store/indexParts.js";
import { timeSlices } from "../timeSlices.js";

/**
 * Each chunk's terms, by term number, with their contributions: the postings
 * transposed. Terms are visited in ascending order, so each chunk's entries
 * come out sorted. Worked out when a build is made and stored with it (at
 * 100k chunks, 4M postings: done at load, its loops and 34 MB of new arrays
 * held the event loop for a garbage collection of 40 ms); in time slices.
 */
export async function forwardIndexOf({ offsets: postingOffsets, ids: postingIds, scores: postingScores, chunkCount }: LexicalPostings): Promise<ForwardIndex> {
  const termCount = postingOffsets.length - 1;
  const slices = timeSlices();
  const offsets = new Int32Array(chunkCount + 1);
  for (let i = 0; i < postingIds.length; i++) {
    offsets[postingIds[i]! + 1]! += 1;
    if ((i & 0xfff) === 0 && slices.due()) await slices.pause();
  }
  for (let id = 0; id < chunkCount; id++) offsets[id + 1]! += offsets[id]!;
  const terms = new Int32Array(postingIds.length);
  const scores = new Float32Array(postingIds.length);
  const filled = offsets.slice(0, chunkCount);
  for (let t = 0; t < termCount; t++) {
    for (let i = postingOffsets[t]!; i < postingOffsets[t + 1]!; i++) {
      // Checked within a term's run too: a common term of 100k chunks has one posting in most of them.
      if ((i & 0xfff) === 0 && slices.due()) await slices.pause();
      const id = postingIds[i]!;
      terms[filled[id]!] = t;
      scores[filled[id]!++] = postingScores[i]!;
    }
  }
  return { offsets, terms, scores };
}
