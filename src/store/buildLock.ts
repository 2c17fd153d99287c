import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { RagError } from "../errors.js";
import { isRunning, removeDeadTemps } from "./buildFiles.js";

const LOCK = ".build-lock";

/**
 * Takes the index folder's build lock for the length of one build: two
 * ingests at once (a CLI and a server, or two CLIs) would embed the corpus
 * twice and race to publish. The second is refused with a message naming the
 * first; a lock left by a process that died (kill -9) is taken over.
 */
export async function acquireBuildLock(indexDir: string): Promise<() => Promise<void>> {
  await mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      await removeDeadTemps(indexDir);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
    if (Number.isInteger(owner) && owner > 0 && (owner === process.pid || isRunning(owner))) {
      throw new RagError(
        "conflict",
        `Another ingest (process ${owner}) is building the index in ${indexDir}; wait for it to finish, or stop it, and try again.`,
      );
    }
    // The owner is gone: its lock is stale.
    await rm(file, { force: true });
  }
  throw new RagError("conflict", `Could not take the build lock ${file}; remove it if no ingest is running.`);
}
