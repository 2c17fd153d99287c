import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** What `load` rejects with when pointed at an empty models directory (removed afterwards), and that directory. */
export async function failureWithoutModel(load: (modelsDir: string) => Promise<unknown>): Promise<{ error: unknown; modelsDir: string }> {
  const modelsDir = await mkdtemp(path.join(os.tmpdir(), "no-models-"));
  try {
    return { error: await load(modelsDir).then(() => undefined, (e: unknown) => e), modelsDir };
  } finally {
    await rm(modelsDir, { recursive: true, force: true });
  }
}
