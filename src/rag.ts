import { resolveConfig, type RagConfig } from "./config.js";
import { RagError } from "./errors.js";
import type { Embedder } from "./embed/embedder.js";
import { loadEmbedder, type LoadedEmbedder } from "./embed/loadEmbedder.js";
import type { EnsureIndexResult } from "./ingest/buildIndex.js";
import { DEFAULT_RETRIEVAL, type RetrievalOptions } from "./retrieval/retrieve.js";
import type { SentenceWeights } from "./retrieval/scoreSentences.js";
import { DEFAULT_ANSWER_OPTIONS, type AnswerOptions } from "./answer/extractAnswer.js";
import { loadService, type LoadedService, type LoadHooks, type LoadServiceOptions } from "./core/loadService.js";
import type { Corpus } from "./ingest/loadCorpus.js";
import type { IndexStore } from "./store/indexStore.js";
import { openStore } from "./store/openStore.js";
import { answerQuestion, retrievePassages, sourceLocation, type Pipeline } from "./core/pipeline.js";
import { toSearchResponse } from "./core/responses.js";
import { parseAskRequest, parseSearchRequest } from "./request.js";
import type { AskResponse, CorpusDocument, DocumentChangeResponse, DocumentMetadata, SearchResponse, Span } from "./types.js";
import { toErrorBody } from "./errors.js";
import type { ReindexStatus } from "./schemas.js";
import {
  authorize,
  checkRemoval,
  checkUpload,
  corpusWithout,
  corpusWithUpload,
  removeCorpusFile,
  undo,
  writeCorpusFile,
  type DocumentUpload,
  type Undo,
} from "./core/documentChanges.js";

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
  /** Answers a question; `onPassages` sees the passages (as a search response) before the answer is drawn from them. */
  ask(body: unknown, options?: AskOptions): Promise<AskResponse>;
  /** The loaded parts, for benchmarks, diagnostics and fault tests; not for request handling. */
  internals(): RagInternals;
  /** Stops the embedding worker; the instance can be loaded again afterwards. */
  close(): Promise<void>;
  listDocuments(): DocumentMetadata[];
  getDocument(docId: string): CorpusDocument;
  /** Adds or replaces a document file in the corpus folder and ingests it (incrementally); needs the admin token. */
  addDocument(upload: DocumentUpload): Promise<DocumentChangeResponse>;
  /** Deletes a document's file from the corpus folder and drops it from the index; needs the admin token. */
  removeDocument(request: { token?: string; docId: string }): Promise<DocumentChangeResponse>;
  /**
   * Starts re-reading the corpus folder and rebuilding the index in the background (needs the admin
   * token); requests keep being answered from the current index, which the new one replaces
   * atomically once loaded. A failed re-index leaves the current one serving. Returns at once.
   */
  reindex(request: { token?: string; force?: boolean }): ReindexStatus;
  /** The state of the last re-index (needs the admin token). */
  reindexStatus(request: { token?: string }): ReindexStatus;
}

export type ServiceStatus = "loading" | "ready" | "model_unavailable";

export interface AskOptions {
  /** Called once the passages are retrieved, before the answer is extracted from them (streaming). */
  onPassages?(passages: SearchResponse): void;
  /** Once aborted, the work stops at the next step and the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

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
  let loadHooks: LoadHooks | undefined;
  /** Document changes run one at a time; requests keep being answered from the loaded state until a change's new state replaces it. */
  let changes: Promise<unknown> = Promise.resolve();
  let reindexing: ReindexStatus = { state: "idle" };
  let store: IndexStore | undefined;
  /** The timer that looks for builds other processes publish to a shared store. */
  let follower: NodeJS.Timeout | undefined;

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

  /** Loads (building when needed) from the store, with the model and settings of this instance. */
  function loadFrom(options: Pick<LoadServiceOptions, "documents" | "mayBuild" | "force"> = {}): Promise<LoadedService> {
    store ??= openStore(config);
    return loadService({ config, store, model: startModel(), settings: pipelineSettings, hooks: loadHooks, ...options });
  }

  async function load(hooks?: LoadHooks): Promise<EnsureIndexResult> {
    loadHooks = hooks;
    loaded = await loadFrom();
    follow();
    return loaded.build;
  }

  /**
   * With a shared store, serves the builds other processes publish: every
   * `storePollMs` it asks the store which build is live and, when that is not
   * the one loaded, loads it (never building: one with other settings is left
   * alone, and the loaded one keeps serving). A database that cannot be reached
   * is asked again at the next tick.
   */
  function follow(): void {
    if (follower || !store?.shared || config.storePollMs === 0) return;
    let checking = false;
    follower = setInterval(() => {
      if (checking) return;
      checking = true;
      queued(async () => {
        const live = await store?.current();
        if (!loaded || !live || live.id === loaded.build.build.id) return;
        loaded = await loadFrom({ mayBuild: false });
      })
        .catch(() => undefined)
        .finally(() => (checking = false));
    }, config.storePollMs);
    follower.unref();
  }

  /** Runs a change to the index after the ones before it: one change to the index at a time. */
  function queued<T>(work: () => Promise<T>): Promise<T> {
    const run = changes.then(work);
    changes = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes a change and loads the result. With files (`hnsw`) the change is to
   * the corpus folder, undone when its ingest fails; with a shared store it is
   * to the documents the store holds (`corpus`), and nothing is written before
   * the new build is. Either way a failed change leaves the service as it was.
   */
  function change(make: (state: LoadedService) => Promise<{ docId: string; status: DocumentChangeResponse["status"] } & ({ undo: Undo } | { corpus: Corpus })>) {
    return queued(async (): Promise<DocumentChangeResponse> => {
      const state = requireLoaded();
      const made = await make(state);
      let next: LoadedService;
      try {
        next = await loadFrom("corpus" in made ? { documents: made.corpus } : { documents: "folder" });
      } catch (error) {
        if ("undo" in made) await undo(config.corpusDir, made.undo);
        throw error;
      }
      loaded = next;
      const document = next.corpus.documents.find((d) => d.docId === made.docId);
      return {
        docId: made.docId,
        status: made.status,
        ...(document && { document: metadataOf(document) }),
        index: { reason: next.build.reason ?? null, documents: next.build.manifest.counts.documents, chunks: next.build.manifest.counts.chunks },
      };
    });
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
      return toSearchResponse(query, passages, (span) => sourceLocation(state.pipeline, span));
    },
    async ask(body, { onPassages, signal } = {}) {
      const { question, k } = parseAskRequest(body, config);
      const state = requireLoaded();
      const vector = await embedQuery(state, question);
      signal?.throwIfAborted();
      const locate = (span: Span) => sourceLocation(state.pipeline, span);
      return answerQuestion(state.pipeline, question, vector, k, {
        signal,
        ...(onPassages && { onPassages: (passages) => onPassages(toSearchResponse(question, passages, locate)) }),
      });
    },
    internals() {
      const { model, pipeline } = requireLoaded();
      return { ...pipeline, embedder: model.queries, model };
    },
    async close() {
      clearInterval(follower);
      follower = undefined;
      await changes;
      const closing = store;
      store = undefined;
      await closing?.close();
      const model = modelLoading;
      loaded = undefined;
      loading = undefined;
      modelLoading = undefined;
      await (await model?.catch(() => undefined))?.close();
    },
    listDocuments() {
      return requireLoaded().corpus.documents.map(metadataOf);
    },
    async addDocument(upload) {
      authorize(config, upload.token);
      return change(async (state) => {
        const checked = await checkUpload(config, upload, state.corpus.documents);
        if (store?.shared) {
          const { corpus, replaced } = corpusWithUpload(state.corpus, checked);
          return { corpus, docId: checked.docId, status: replaced ? "replaced" : "added" };
        }
        const undo = await writeCorpusFile(config.corpusDir, checked.file, checked.bytes);
        return { undo, docId: checked.docId, status: undo.before ? "replaced" : "added" };
      });
    },
    async removeDocument({ token, docId }) {
      authorize(config, token);
      return change(async (state) => {
        const document = state.corpus.documents.find((d) => d.docId === docId);
        if (!document) throw unknownDocument(docId);
        if (state.corpus.documents.length === 1) {
          throw new RagError("conflict", `${docId} is the corpus's only document; add another before deleting it (a service needs at least one document).`);
        }
        if (store?.shared) return { corpus: corpusWithout(state.corpus, docId), docId, status: "deleted" };
        await checkRemoval(config.corpusDir, document);
        return { undo: await removeCorpusFile(config.corpusDir, document.file), docId, status: "deleted" };
      });
    },
    reindex({ token, force = false }) {
      authorize(config, token);
      requireLoaded();
      if (reindexing.state === "running") return reindexing;
      reindexing = { state: "running", force, startedAt: new Date().toISOString() };
      const run = queued(async () => {
        const next = await loadFrom({ documents: "folder", force });
        loaded = next;
        return next;
      });
      const startedAt = reindexing.startedAt;
      run.then(
        (next) => {
          reindexing = { state: "succeeded", force, startedAt, finishedAt: new Date().toISOString(), reason: next.build.reason ?? null, documents: next.build.manifest.counts.documents, chunks: next.build.manifest.counts.chunks };
        },
        (error: unknown) => {
          reindexing = { state: "failed", force, startedAt, finishedAt: new Date().toISOString(), error: toErrorBody(error).body.error };
        },
      );
      return reindexing;
    },
    reindexStatus({ token }) {
      authorize(config, token);
      return reindexing;
    },
    getDocument(docId) {
      const doc = requireLoaded().documents.get(docId);
      if (!doc) throw unknownDocument(docId);
      return { ...metadataOf(doc), text: doc.text, locations: doc.locations };
    },
  };
}

/** What the API says of a document besides its text. */
function metadataOf(doc: CorpusDocument): DocumentMetadata {
  const { docId, title, author, publisher, date, sourceFile } = doc;
  return { docId, title, author, publisher, date, sourceFile };
}

const unknownDocument = (docId: string) => new RagError("not_found", `No document has the id ${JSON.stringify(docId)}; GET /v1/documents lists them.`);
