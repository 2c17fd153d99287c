/**
 * Every error the service reports, with its HTTP status: the one table adapters
 * consult, so a code means the same thing over HTTP, MCP and the CLI.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_document: 422,
  too_many_requests: 429,
  not_ready: 503,
  overloaded: 503,
  timeout: 503,
  model_not_found: 500,
  embedding_failed: 503,
  store_unavailable: 503,
  index_incompatible: 500,
  corpus_invalid: 500,
  config_invalid: 500,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class RagError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RagError";
    this.code = code;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** The contract's error shape; unknown errors are reported without internals. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof RagError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  return {
    status: ERROR_STATUS.internal_error,
    body: { error: { code: "internal_error", message: "The server hit an unexpected error; it has been logged." } },
  };
}
