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
 * for line, on transformers.js 2: the bare pipeline with its defaults, newlines
 * stripped, batches of 512, vectors read with `tolist()`. The quality baselines
 * of `npm run eval` use it in-process (transformers.js 3, LangChain's own
 * runtime, cannot share a process with the service's 4: both load a
 * libonnxruntime.so.1). The speed comparison runs LangChain's own class on
 * transformers.js 3 in a process of its own (`scripts/bench/langchainPeerServer.ts`).
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
