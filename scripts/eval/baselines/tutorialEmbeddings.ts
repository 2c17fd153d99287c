import { chunkArray } from "@langchain/core/utils/chunk_array";
import { Embeddings } from "@langchain/core/embeddings";
import { env, pipeline, type FeatureExtractionPipeline } from "@xenova/transformers";

interface PipelineOptions {
  modelsDir: string;
  modelId: string;
  quantized: boolean;
}

/** The transformers.js feature-extraction pipeline as its README shows it: its own defaults, read from disk only. */
export async function loadBarePipeline(options: PipelineOptions): Promise<FeatureExtractionPipeline> {
  env.localModelPath = options.modelsDir;
  env.allowRemoteModels = false;
  return (await pipeline("feature-extraction", options.modelId, { quantized: options.quantized })) as FeatureExtractionPipeline;
}

/**
 * LangChain's `HuggingFaceTransformersEmbeddings` as the tutorial uses it, line
 * for line, on this project's transformers.js 2 (LangChain's own class imports
 * transformers.js 3, which is not installed): the bare pipeline with its
 * defaults, newlines stripped, batches of 512, vectors read with `tolist()`.
 * The baselines use this, not the service's `LocalEmbeddings`, so they keep the
 * tutorial's costs when the service's own embedding gets faster.
 */
export class TutorialEmbeddings extends Embeddings {
  private readonly batchSize = 512;
  private constructor(private readonly pipe: FeatureExtractionPipeline) {
    super({});
  }

  static async load(options: PipelineOptions): Promise<TutorialEmbeddings> {
    return new TutorialEmbeddings(await loadBarePipeline(options));
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const batches = await Promise.all(chunkArray(texts.map((t) => t.replace(/\n/g, " ")), this.batchSize).map((batch) => this.run(batch)));
    return batches.flat();
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.run([text.replace(/\n/g, " ")]))[0]!;
  }

  private run(texts: string[]): Promise<number[][]> {
    return this.caller.call(async () => (await this.pipe(texts, { pooling: "mean", normalize: true })).tolist() as number[][]);
  }
}
