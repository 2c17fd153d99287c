/** Messages between `WorkerEmbedder` and `embedWorker.ts`. */
export interface WorkerRequest {
  id: number;
  texts: string[];
}

export interface WorkerError {
  code: string;
  message: string;
}

export type WorkerReply =
  | { type: "ready"; modelId: string; dimensions: number }
  | { type: "failed"; error: WorkerError }
  | { type: "vectors"; id: number; vectors: Float32Array[] }
  | { type: "error"; id: number; error: WorkerError };
