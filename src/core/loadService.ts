import type { RagConfig } from "../config.js";
import { RagError } from "../errors.js";
import type { LoadedEmbedder } from "../embed/loadEmbedder.js";
import { documentContextOf } from "../answer/documentContext.js";
import { readCorpusAliases } from "../answer/aliases.js";
import type { EnsureIndexResult, IngestProgress } from "../ingest/buildIndex.js";
import type { Corpus } from "../ingest/loadCorpus.js";
import { openIndex, type OpenIndexOptions } from "../ingest/openIndex.js";
import type { IndexStore } from "../store/indexStore.js";
import { createLexicalIndex } from "../retrieval/lexicalIndex.js";
import type { RetrievalContext } from "../retrieval/retrieve.js";
import { createSentenceLookup } from "../retrieval/sentenceLookup.js";
import { collectCommonWords } from "../retrieval/commonWords.js";
import type { CorpusDocument } from "../types.js";
import type { Pipeline } from "./pipeline.js";
import { warmUp } from "./warmUp.js";
import { timeSlices } from "../timeSlices.js";

export interface LoadHooks {
  /** Hears the files of the corpus folder that were left out, and why (none: not called). */
  onSkipped?: (skipped: Corpus["skipped"]) => void;
  onIndex?: (result: EnsureIndexResult) => void;
  onProgress?: (progress: IngestProgress) => void;
}

/** A loaded service: what requests are answered from. */
export interface LoadedService {
  /** Whether the index was built for this load, and why. */
  build: EnsureIndexResult;
  corpus: Corpus;
  documents: ReadonlyMap<string, CorpusDocument>;
  model: LoadedEmbedder;
  pipeline: Pipeline;
}

export interface LoadServiceOptions {
  config: RagConfig;
  /** Where builds are kept (`openStore(config)`). */
  store: IndexStore;
  /** Where the documents come from (see `OpenIndexOptions.documents`); default: the folder, or the live build's own for a shared store. */
  documents?: OpenIndexOptions["documents"];
  /** False: serve the live build or fail, never build (a replica following another's build). */
  mayBuild?: boolean;
  /** The model, already on its way: it loads while the index is checked, so a fresh index costs no extra wait. */
  model: Promise<LoadedEmbedder>;
  settings: Omit<Pipeline, "retrieval" | "documentContext" | "aliases" | "locations">;
  hooks?: LoadHooks;
  /** Rebuild the index even when it matches the corpus (a requested re-index). */
  force?: boolean;
}

/** Reads the corpus, opens (or builds) the index, warms the answering code up and waits for the model. */
export async function loadService({ config, store, documents: source, mayBuild, model, settings, hooks = {}, force }: LoadServiceOptions): Promise<LoadedService> {
  const { corpus, result, index } = await openIndex({
    config,
    store,
    documents: source ?? (store.shared ? "live" : "folder"),
    mayBuild,
    force,
    getEmbedder: async () => (await model).embedder,
    onProgress: hooks.onProgress,
  });
  if (corpus.skipped.length) hooks.onSkipped?.(corpus.skipped);
  hooks.onIndex?.(result);
  const documents = new Map(corpus.documents.map((d) => [d.docId, d]));
  // Built on this thread while the worker thread is still loading the model.
  const retrieval: RetrievalContext = {
    index,
    lexical: await createLexicalIndex(index.lexicalPostings, index.vocabulary, {}, index.lexicalForward),
    lookup: await createSentenceLookup(index, await collectCommonWords(corpus.documents.map((d) => d.text))),
    titles: new Map(corpus.documents.map((d) => [d.docId, d.title])),
    documentText: (docId) => documents.get(docId)!.text,
  };
  const pipeline: Pipeline = {
    ...settings,
    retrieval,
    documentContext: await inTimeSlices(corpus.documents, (d) => [d.docId, documentContextOf(d)] as const),
    aliases: await readCorpusAliases(config.corpusDir),
    locations: new Map(corpus.documents.map((d) => [d.docId, d.locations])),
  };
  try {
    await warmUp(pipeline, config.defaultK);
  } catch {
    // The warm-up only saves the first requests time; whatever failed in it
    // fails again in the request that meets it, and is reported there.
  }
  const loadedModel = await model;
  const { dimensions, modelId } = loadedModel.queries;
  if (dimensions !== index.manifest.dimensions) {
    throw new RagError("index_incompatible", `Index has ${index.manifest.dimensions}-dimensional vectors but model ${modelId} makes ${dimensions}.`);
  }
  return { build: result, corpus, documents, model: loadedModel, pipeline };
}

/** A map of one entry per item, made in time slices: a corpus of thousands of documents takes tens of milliseconds. */
async function inTimeSlices<T, V>(items: readonly T[], entry: (item: T) => readonly [string, V]): Promise<Map<string, V>> {
  const slices = timeSlices();
  const map = new Map<string, V>();
  for (const item of items) {
    map.set(...entry(item));
    if (slices.due()) await slices.pause();
  }
  return map;
}
