import { writeFile } from "node:fs/promises";
import path from "node:path";
import { BUILD_FILES, publishBuild } from "./buildFiles.js";
import type { HnswStore } from "./hnswStore.js";
import type { StoredArray } from "./indexParts.js";
import type { BuildParts } from "./indexStore.js";
import { encodeSpans } from "./spanRefs.js";

/** What a file build holds: the build's parts, the chunk vectors as their graph. */
export type IndexParts = Omit<BuildParts, "chunkVectors"> & { chunkStore: HnswStore };

const bytesOf = (v: StoredArray) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** Writes a build and makes it the live one (see `publishBuild`); returns its directory. */
export async function saveIndex(indexDir: string, parts: IndexParts): Promise<string> {
  return publishBuild(indexDir, parts.manifest, async (dir) => {
    parts.chunkStore.save(path.join(dir, BUILD_FILES.chunkVectors));
    await writeFile(path.join(dir, BUILD_FILES.documents), JSON.stringify(parts.documents));
    const docIds = parts.documents.map((d) => d.docId);
    await writeFile(path.join(dir, BUILD_FILES.spanDocuments), JSON.stringify(docIds));
    await writeFile(path.join(dir, BUILD_FILES.chunks), bytesOf(encodeSpans(parts.chunks, docIds)));
    await writeFile(path.join(dir, BUILD_FILES.sentences), bytesOf(encodeSpans(parts.sentences, docIds)));
    await writeFile(path.join(dir, BUILD_FILES.sentenceVectors), bytesOf(parts.sentenceVectors.codes));
    await writeFile(path.join(dir, BUILD_FILES.sentenceScales), bytesOf(parts.sentenceVectors.scales));
    // The map's keys come in number order: the list of terms is all that needs storing.
    await writeFile(path.join(dir, BUILD_FILES.terms), JSON.stringify([...parts.vocabulary.keys()]));
    const lexical = parts.lexicalPostings;
    await writeFile(path.join(dir, BUILD_FILES.lexicalOffsets), bytesOf(lexical.offsets));
    await writeFile(path.join(dir, BUILD_FILES.lexicalIds), bytesOf(lexical.ids));
    await writeFile(path.join(dir, BUILD_FILES.lexicalScores), bytesOf(lexical.scores));
    const forward = parts.lexicalForward;
    await writeFile(path.join(dir, BUILD_FILES.forwardOffsets), bytesOf(forward.offsets));
    await writeFile(path.join(dir, BUILD_FILES.forwardTerms), bytesOf(forward.terms));
    await writeFile(path.join(dir, BUILD_FILES.forwardScores), bytesOf(forward.scores));
    const terms = parts.sentenceTerms;
    await writeFile(path.join(dir, BUILD_FILES.sentenceTermOffsets), bytesOf(terms.offsets));
    await writeFile(path.join(dir, BUILD_FILES.sentenceTermIds), bytesOf(terms.ids));
  });
}
