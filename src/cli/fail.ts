import { RagError } from "../errors.js";

/** Ends a command with one readable sentence; a stack only for errors the service did not foresee. */
export function fail(error: unknown): never {
  if (error instanceof RagError) {
    process.stderr.write(`Error: ${error.message}\n`);
  } else {
    process.stderr.write(`Unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
}
