import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { env, pipeline, type FeatureExtractionPipeline, type Tensor } from "@huggingface/transformers";
import { RagError } from "../errors.js";
import type { Embedder } from "./embedder.js";
import { meanPooledUnitVectors } from "./meanPooling.js";

export interface LocalModelOptions {
  modelsDir: string;
  modelId: string;
  quantized: boolean;
  /** Texts per forward pass; onnxruntime keeps memory for the largest batch it has seen. */
  batchSize?: number;
  /** onnxruntime intra-op threads; 0 leaves its default (one per core). */
  threads?: number;
}

/** The model was trained on at most 256 word pieces; what lies beyond only costs time. */
export const MAX_MODEL_TOKENS = 256;
// No word piece is longer than 16 characters, so this many characters always
// hold the first 256 pieces: a megabyte of text is cut before the tokenizer
// walks all of it.
const MAX_INPUT_CHARS = MAX_MODEL_TOKENS * 16;

/**
 * The local transformers.js model (mean pooling, L2-normalised), usable both as
 * the service's `Embedder` and as a LangChain `Embeddings`.
 */
export class LocalEmbeddings extends Embeddings implements Embedder {
  readonly specificationVersion = "v1" as const;
  readonly modelId: string;
  readonly dimensions: number;
  private readonly extractor: FeatureExtractionPipeline;
  private readonly batchSize: number;

  private constructor(modelId: string, dimensions: number, extractor: FeatureExtractionPipeline, batchSize: number) {
    super({});
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.extractor = extractor;
    this.batchSize = batchSize;
  }

  /** Loads the model from disk only; a missing file is a `model_not_found` error that says how to fix it. */
  static async load(options: LocalModelOptions): Promise<LocalEmbeddings> {
    const modelDir = path.join(options.modelsDir, options.modelId);
    const weights = path.join("onnx", options.quantized ? "model_quantized.onnx" : "model.onnx");
    const required = ["config.json", "tokenizer.json", "tokenizer_config.json", weights];
    for (const file of required) {
      try {
        await access(path.join(modelDir, file));
      } catch {
        throw new RagError(
          "model_not_found",
          `Embedding model ${options.modelId} (${options.quantized ? "quantized" : "fp32"}) is missing ${file} in ${modelDir}; ` +
            `copy the model there (the repository ships it in models/) or set MODELS_DIR to a directory that holds ${options.modelId}/${weights}.`,
        );
      }
    }
    const modelConfig = JSON.parse(await readFile(path.join(modelDir, "config.json"), "utf8")) as { hidden_size?: number };
    env.localModelPath = options.modelsDir;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    const extractor = await pipeline("feature-extraction", options.modelId, {
      dtype: options.quantized ? "q8" : "fp32",
      session_options: sessionOptions(options.threads ?? 0),
    });
    return new LocalEmbeddings(options.modelId, modelConfig.hidden_size ?? 384, extractor, options.batchSize ?? 32);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    // Batching texts of similar length keeps padding, and so wasted compute, small.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      const inputs = this.extractor.tokenizer(
        batch.map((j) => texts[j]!.slice(0, MAX_INPUT_CHARS)),
        { padding: true, truncation: true, max_length: MAX_MODEL_TOKENS },
      );
      // The pipeline's own steps (tokenise, run, mean-pool, normalise), with the pooling read from plain arrays.
      const { last_hidden_state: hidden } = (await this.extractor.model(inputs)) as { last_hidden_state: Tensor };
      const pooled = meanPooledUnitVectors(hidden.data as Float32Array, hidden.dims, inputs.attention_mask.data as BigInt64Array);
      batch.forEach((j, row) => {
        vectors[j] = pooled[row]!;
      });
    }
    return vectors;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return (await this.embed(documents)).map((v) => Array.from(v));
  }

  async embedQuery(document: string): Promise<number[]> {
    return Array.from((await this.embed([document]))[0]!);
  }
}

/**
 * Without spinning, onnxruntime's threads sleep between runs instead of
 * busy-waiting for the next: a server's requests come apart, and a spinning
 * thread would hold a core that HTTP and retrieval need.
 */
function sessionOptions(threads: number): Record<string, unknown> {
  const noSpinning = { extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } } };
  return threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1, ...noSpinning } : noSpinning;
}
