import { Document } from "@langchain/core/documents";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { Citation, CorpusDocument, SearchResult } from "../../../src/types.js";
import type { EvaluatedSystem } from "../system.js";

/** Chunk settings of the stock LangChain RAG tutorial. */
export const TUTORIAL_CHUNK_SIZE = 1000;
export const TUTORIAL_CHUNK_OVERLAP = 200;
/** Passages the tutorial retrieves for an answer. */
export const TUTORIAL_ASK_K = 4;

export interface ChunkMetadata {
  docId: string;
  title: string;
  start: number;
  end: number;
}

export type ChunkDocument = Document<ChunkMetadata>;

/**
 * Splits every document with the tutorial's RecursiveCharacterTextSplitter and
 * records where each chunk lies in its document. The splitter gives no offsets,
 * so each chunk is located verbatim, searching forward from the previous chunk's
 * start (chunks come in document order and overlap).
 */
export async function splitTutorialChunks(documents: CorpusDocument[]): Promise<ChunkDocument[]> {
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: TUTORIAL_CHUNK_SIZE, chunkOverlap: TUTORIAL_CHUNK_OVERLAP });
  const chunks: ChunkDocument[] = [];
  for (const doc of documents) {
    let cursor = 0;
    for (const text of await splitter.splitText(doc.text)) {
      const start = doc.text.indexOf(text, cursor);
      if (start < 0) {
        throw new Error(
          `RecursiveCharacterTextSplitter produced a chunk of ${doc.docId} that does not occur verbatim in it at or after offset ${cursor}: ${JSON.stringify(text.slice(0, 80))}…`,
        );
      }
      chunks.push(new Document({ pageContent: text, metadata: { docId: doc.docId, title: doc.title, start, end: start + text.length } }));
      // A later chunk always starts after this one; +1 keeps a repeated chunk from matching here again.
      cursor = start + 1;
    }
  }
  return chunks;
}

/** A ranked list of chunks with higher-is-better scores. */
export type Retrieve = (query: string, k: number) => Promise<{ chunk: ChunkDocument; score: number }[]>;

/**
 * Wraps a retriever as the tutorial system: search returns the chunks; ask
 * retrieves 4, answers with the top chunk followed by " [1]", cites all 4 and
 * never abstains.
 */
export function tutorialSystem(name: string, documents: CorpusDocument[], retrieve: Retrieve): EvaluatedSystem {
  const texts = new Map(documents.map((d) => [d.docId, d.text]));
  const search = async (query: string, k: number): Promise<SearchResult[]> =>
    (await retrieve(query, k)).map(({ chunk, score }, i) => ({
      rank: i + 1,
      docId: chunk.metadata.docId,
      title: chunk.metadata.title,
      start: chunk.metadata.start,
      end: chunk.metadata.end,
      text: chunk.pageContent,
      score,
    }));
  return {
    name,
    async search(query, k) {
      return { results: await search(query, k) };
    },
    async ask(question) {
      const results = await search(question, TUTORIAL_ASK_K);
      const citations: Citation[] = results.map(({ rank, ...rest }) => ({ marker: rank, ...rest }));
      return { answerable: true, answer: results.length > 0 ? `${results[0]!.text} [1]` : "", citations };
    },
    async documentText(docId) {
      return texts.get(docId) ?? null;
    },
  };
}
