import { resolveConfig, type RagConfig } from "./config.js";
import { RagError } from "./errors.js";
import type { Embedder } from "./embed/embedder.js";
import { loadEmbedder, type LoadedEmbedder } from "./embed/loadEmbedder.js";
import type { EnsureIndexResult } from "./ingest/buildIndex.js";
import { DEFAULT_RETRIEVAL, type RetrievalOptions } from "./retrieval/retrieve.js";
import type { SentenceWeights } from "./retrieval/scoreSentences.js";
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from "./answer/extractAnswer.js";
import { loadService, type LoadedService, type LoadHooks } from "./core/loadService.js";
import { answerQuestion, retrievePassages, type Pipeline } from "./core/pipeline.js";
import { toSearchResponse } from "./core/responses.js";
import { parseAskRequest, parseSearchRequest } from "./request.js";
import type { AskResponse, CorpusDocument, DocumentMetadata, SearchResponse } from "./types.js";

export type { LoadHooks } from "./core/loadService.js";

export interface RagOptions extends Partial<RagConfig> {
  /** Use this embedder instead of loading the local model (tests, other runtimes). */
  embedder?: Embedder;
  answer?: Partial<AnswerOptions>;
  retrieval?: Partial<RetrievalOptions>;
  sentenceWeights?: Partial<SentenceWeights>;
}

const DEFAULT_SENTENCE_WEIGHTS: SentenceWeights = { lexical: 0.35, answerType: 0.1 };

/** The service core, shared by every transport (HTTP, CLI, MCP). Inputs are validated here. */
export interface Rag {
  readonly config: RagConfig;
  /** Loaded, and the model able to embed (false while a dead embedding worker is replaced). */
  isReady(): boolean;
  /** Why the service is or is not ready: still loading, ready, or loaded but without a working model. */
  status(): ServiceStatus;
  /** Loads corpus, model and index, building the index first when it is missing, stale or damaged. */
  load(hooks?: LoadHooks): Promise<EnsureIndexResult>;
  search(body: unknown): Promise<SearchResponse>;
  ask(body: unknown): Promise<AskResponse>;
  /** The loaded parts, for benchmarks, diagnostics and fault tests; not for request handling. */
  internals(): RagInternals;
  /** Stops the embedding worker; the instance can be loaded again afterwards. */
  close(): Promise<void>;
  listDocuments(): DocumentMetadata[];
  getDocument(docId: string): CorpusDocument;
}

export type ServiceStatus = "loading" | "ready" | "model_unavailable";

export interface RagInternals extends Pipeline {
  /** The query embedder (behind the query cache when one is configured). */
  embedder: Embedder;
  model: LoadedEmbedder;
}

export function createRag(options: RagOptions = {}): Rag {
  const { embedder: givenEmbedder, answer, retrieval, sentenceWeights, ...settings } = options;
  const config = resolveConfig(settings);
  const pipelineSettings = {
    answerOptions: { ...DEFAULT_ANSWER_OPTIONS, ...answer },
    retrievalOptions: { ...DEFAULT_RETRIEVAL, ...retrieval },
    sentenceWeights: { ...DEFAULT_SENTENCE_WEIGHTS, ...sentenceWeights },
  };
  let loaded: LoadedService | undefined;
  let loading: Promise<EnsureIndexResult> | undefined;
  let modelLoading: Promise<LoadedEmbedder> | undefined;

  const requireLoaded = (): LoadedService => {
    if (!loaded) throw new RagError("not_ready", "The service is still loading its index and model; retry shortly.");
    return loaded;
  };

  /** The model starts once per instance; a failed start is forgotten, so a later load() tries again. */
  function startModel(): Promise<LoadedEmbedder> {
    modelLoading ??= (
      givenEmbedder
        ? Promise.resolve({ embedder: givenEmbedder, queries: givenEmbedder, isReady: () => true, close: async () => {} })
        : loadEmbedder(config)
    ).catch((error: unknown) => {
      modelLoading = undefined;
      throw error;
    });
    // If the index fails first, this rejection must not go unhandled and crash the process.
    modelLoading.catch(() => undefined);
    return modelLoading;
  }

  async function load(hooks?: LoadHooks): Promise<EnsureIndexResult> {
    loaded = await loadService({ config, model: startModel(), settings: pipelineSettings, hooks });
    return loaded.build;
  }

  async function embedQuery(state: LoadedService, text: string): Promise<Float32Array> {
    const [vector] = await state.model.queries.embed([text]);
    return vector!;
  }

  return {
    config,
    isReady: () => loaded !== undefined && loaded.model.isReady(),
    status: () => (!loaded ? "loading" : loaded.model.isReady() ? "ready" : "model_unavailable"),
    load(hooks) {
      return (loading ??= load(hooks).catch((error: unknown) => {
        loading = undefined;
        throw error;
      }));
    },
    async search(body) {
      const { query, k } = parseSearchRequest(body, config);
      const state = requireLoaded();
      const { passages } = await retrievePassages(state.pipeline, query, await embedQuery(state, query), k);
      return toSearchResponse(query, passages);
    },
    async ask(body) {
      const { question, k } = parseAskRequest(body, config);
      const state = requireLoaded();
      return answerQuestion(state.pipeline, question, await embedQuery(state, question), k);
    },
    internals() {
      const { model, pipeline } = requireLoaded();
      return { ...pipeline, embedder: model.queries, model };
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
