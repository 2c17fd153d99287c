import { resolveConfig, type RagConfig } from "./config.js";
import { RagError } from "./errors.js";
import type { Embedder } from "./embed/embedder.js";
import { loadEmbedder, type LoadedEmbedder } from "./embed/loadEmbedder.js";
import { ensureIndex, type EnsureIndexResult, type IngestProgress } from "./ingest/buildIndex.js";
import { loadCorpus, type Corpus } from "./ingest/loadCorpus.js";
import { loadIndex } from "./store/loadIndex.js";
import type { LoadedIndex } from "./store/indexParts.js";
import { DEFAULT_RETRIEVAL, retrieve, type RetrievalContext, type RetrievalOptions } from "./retrieval/retrieve.js";
import { createSentenceLookup } from "./retrieval/sentenceLookup.js";
import { evidenceTokens } from "./retrieval/terms.js";
import { createLexicalIndex } from "./retrieval/lexicalIndex.js";
import { createSentenceScorer, type SentenceWeights } from "./retrieval/scoreSentences.js";
import { DEFAULT_ANSWER_OPTIONS, extractAnswer, type AnswerOptions, type DocumentContext } from "./answer/extractAnswer.js";
import { parseAskRequest, parseSearchRequest } from "./request.js";
import type { AskResponse, CorpusDocument, DocumentMetadata, SearchResponse } from "./types.js";

export interface RagOptions extends Partial<RagConfig> {
  /** Use this embedder instead of loading the local model (tests, other runtimes). */
  embedder?: Embedder;
  answer?: Partial<AnswerOptions>;
  retrieval?: Partial<RetrievalOptions>;
  sentenceWeights?: Partial<SentenceWeights>;
}

const DEFAULT_SENTENCE_WEIGHTS: SentenceWeights = { lexical: 0.35, answerType: 0.1 };

export interface LoadHooks {
  onIndex?: (result: EnsureIndexResult) => void;
  onProgress?: (progress: IngestProgress) => void;
}

/** The service core, shared by every transport (HTTP, CLI, MCP). Inputs are validated here. */
export interface Rag {
  readonly config: RagConfig;
  isReady(): boolean;
  /** Loads corpus, model and index, building the index first when it is missing or stale. */
  load(hooks?: LoadHooks): Promise<EnsureIndexResult>;
  search(body: unknown): Promise<SearchResponse>;
  ask(body: unknown): Promise<AskResponse>;
  /** The loaded parts, for benchmarks and diagnostics that time each stage; not for request handling. */
  internals(): RagInternals;
  /** Stops the embedding worker; the instance can be loaded again afterwards. */
  close(): Promise<void>;
  listDocuments(): DocumentMetadata[];
  getDocument(docId: string): CorpusDocument;
}

export interface RagInternals {
  /** The query embedder (behind the query cache when one is configured). */
  embedder: Embedder;
  retrieval: RetrievalContext;
  documentContext: ReadonlyMap<string, DocumentContext>;
  retrievalOptions: RetrievalOptions;
  answerOptions: AnswerOptions;
  sentenceWeights: SentenceWeights;
}

interface Loaded {
  corpus: Corpus;
  embedder: Embedder;
  retrieval: RetrievalContext;
  documents: Map<string, CorpusDocument>;
  documentContext: Map<string, DocumentContext>;
}

/**
 * What a document establishes for every passage in it: its title, author,
 * publisher and date, and the years it mentions (see `missingTerms` and `yearsGrounded`).
 */
function documentContextOf(doc: CorpusDocument): DocumentContext {
  const years = new Set([doc.title, doc.date, doc.text].join(" ").match(/\b(?:19|20)\d\d\b/g) ?? []);
  const label = [doc.title, doc.author, doc.publisher, doc.date].filter(Boolean).join(" ");
  return { labelTokens: evidenceTokens(label), years: [...years].map(Number) };
}

// Forms meant to reach each answer type's code (see answerType.ts) and a plain one;
// the sentence inside can change the type a form gets, which only matters for speed.
const WARM_UP_FORMS = ["How much {}?", "When {}?", "Which country {}?", "What did {} say?", "{}"];
const WARM_UP_SENTENCES = 2;

export function createRag(options: RagOptions = {}): Rag {
  const { embedder: givenEmbedder, answer, retrieval, sentenceWeights, ...settings } = options;
  const config = resolveConfig(settings);
  const answerOptions: AnswerOptions = { ...DEFAULT_ANSWER_OPTIONS, ...answer };
  const retrievalOptions: RetrievalOptions = { ...DEFAULT_RETRIEVAL, ...retrieval };
  const weights: SentenceWeights = { ...DEFAULT_SENTENCE_WEIGHTS, ...sentenceWeights };
  let loaded: Loaded | undefined;
  let loading: Promise<EnsureIndexResult> | undefined;
  let modelLoading: Promise<LoadedEmbedder> | undefined;

  const requireLoaded = (): Loaded => {
    if (!loaded) throw new RagError("not_ready", "The service is still loading its index and model; retry shortly.");
    return loaded;
  };

  async function load(hooks: LoadHooks = {}): Promise<EnsureIndexResult> {
    const corpus = await loadCorpus(config.corpusDir);
    // The model loads while the index is checked, so a fresh index costs no extra wait.
    const embedderReady = (modelLoading ??= (
      givenEmbedder ? Promise.resolve({ embedder: givenEmbedder, queries: givenEmbedder, close: async () => {} }) : loadEmbedder(config)
    ).catch((error: unknown) => {
      modelLoading = undefined; // a later load() tries again instead of repeating this failure
      throw error;
    }));
    // If building the index fails first, this rejection must not go unhandled and crash the process.
    embedderReady.catch(() => undefined);
    const getEmbedder = async () => (await embedderReady).embedder;
    const indexOptions = {
      indexDir: config.indexDir,
      corpus,
      model: { id: config.modelId, quantized: config.quantized },
      chunking: { maxChars: config.chunkMaxChars, overlapChars: config.chunkOverlapChars },
      getEmbedder,
      onProgress: hooks.onProgress,
    };
    let built = await ensureIndex(indexOptions);
    let index: LoadedIndex;
    try {
      index = await loadIndex(built.dir, built.manifest, corpus.documents);
    } catch (error) {
      // A live build whose manifest matches but whose parts are damaged (a disk
      // error, a partial copy) is rebuilt once, instead of leaving the service
      // unable to start until someone runs a forced ingest.
      if (built.status === "built" || !(error instanceof RagError && error.code === "index_incompatible")) throw error;
      built = { ...(await ensureIndex({ ...indexOptions, force: true })), reason: `the live build could not be read: ${error.message}` };
      index = await loadIndex(built.dir, built.manifest, corpus.documents);
    }
    hooks.onIndex?.(built);
    const documents = new Map(corpus.documents.map((d) => [d.docId, d]));
    // Built on this thread while the worker thread is still loading the model.
    const retrieval: RetrievalContext = {
      index,
      lexical: createLexicalIndex(index.lexicalPostings, index.vocabulary),
      lookup: createSentenceLookup(index),
      titles: new Map(corpus.documents.map((d) => [d.docId, d.title])),
      documentText: (docId) => documents.get(docId)!.text,
    };
    const documentContext = new Map(corpus.documents.map((d) => [d.docId, documentContextOf(d)]));
    try {
      await warmUp(retrieval, documentContext);
    } catch {
      // The warm-up only saves the first requests time; whatever failed in it
      // fails again in the request that meets it, and is reported there.
    }
    const embedder = (await embedderReady).queries;
    if (embedder.dimensions !== index.manifest.dimensions) {
      throw new RagError("index_incompatible", `Index has ${index.manifest.dimensions}-dimensional vectors but model ${embedder.modelId} makes ${embedder.dimensions}.`);
    }
    loaded = { corpus, embedder, documents, documentContext, retrieval };
    return built;
  }

  /**
   * Runs a few questions through retrieval and answer extraction, so that the
   * first requests after a start do not pay for compiling that code (the first
   * request measured 98 ms, later ones about 20). The questions are two of the
   * corpus's own sentences, each in the forms of WARM_UP_FORMS, with the
   * sentences' stored vectors standing in for embeddings: this runs while the
   * model is still loading and leaves the query cache untouched. What it
   * leaves behind are memos of pure functions (a sentence's facts, stems).
   */
  async function warmUp(context: RetrievalContext, documentContext: Map<string, DocumentContext>): Promise<void> {
    const { index, lookup } = context;
    const dims = index.manifest.dimensions;
    const sentences = Math.min(index.sentences.length, WARM_UP_SENTENCES);
    for (let i = 0; i < sentences; i++) {
      const id = Math.floor((i * index.sentences.length) / sentences);
      const vector = index.sentenceVectors.subarray(id * dims, (id + 1) * dims);
      for (const form of WARM_UP_FORMS) {
        // A function, so that "$&" and the like in a sentence are not replacement patterns.
        const question = form.replace("{}", () => index.sentences[id]!.text);
        const { passages, scoreSentence } = await retrieveWith(context, question, vector, config.defaultK);
        extractAnswer(question, passages, index, lookup, scoreSentence, documentContext, answerOptions);
      }
    }
  }

  /** Passages for a text whose vector is known, and the sentence scorer that ranked them (answer extraction reuses it). */
  async function retrieveWith(context: RetrievalContext, text: string, vector: Float32Array, k: number) {
    const scoreSentence = createSentenceScorer(context.index, context.lookup, text, vector, weights);
    const passages = await retrieve(context, text, vector, k, scoreSentence, retrievalOptions);
    return { passages, scoreSentence };
  }

  async function retrieveFor(text: string, k: number) {
    const state = requireLoaded();
    const [vector] = await state.embedder.embed([text]);
    return { ...(await retrieveWith(state.retrieval, text, vector!, k)), state };
  }

  return {
    config,
    isReady: () => loaded !== undefined,
    load(hooks) {
      return (loading ??= load(hooks).catch((error: unknown) => {
        loading = undefined;
        throw error;
      }));
    },
    async search(body) {
      const { query, k } = parseSearchRequest(body, config);
      const { passages } = await retrieveFor(query, k);
      return {
        query,
        results: passages.map((p, i) => ({
          rank: i + 1,
          docId: p.docId,
          title: p.title,
          start: p.start,
          end: p.end,
          text: p.text,
          score: Math.round(p.score * 10_000) / 10_000,
        })),
      };
    },
    async ask(body) {
      const { question, k } = parseAskRequest(body, config);
      const { passages, scoreSentence, state } = await retrieveFor(question, k);
      const { index, lookup } = state.retrieval;
      return extractAnswer(question, passages, index, lookup, scoreSentence, state.documentContext, answerOptions);
    },
    internals() {
      const { embedder, retrieval, documentContext } = requireLoaded();
      return { embedder, retrieval, documentContext, retrievalOptions, answerOptions, sentenceWeights: weights };
    },
    async close() {
      const model = modelLoading;
      loaded = undefined;
      loading = undefined;
      modelLoading = undefined;
      await (await model?.catch(() => undefined))?.close();
    },
    listDocuments() {
      return requireLoaded().corpus.documents.map(({ text: _text, ...metadata }) => metadata);
    },
    getDocument(docId) {
      const doc = requireLoaded().documents.get(docId);
      if (!doc) throw new RagError("not_found", `No document has the id ${JSON.stringify(docId)}; GET /v1/documents lists them.`);
      return doc;
    },
  };
}
