// The transformers.js runtimes the benchmark compares, and how to tell which one a process loaded.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Each major version of transformers.js as installed here (v3 under an npm alias). */
export const RUNTIMES = {
  v2: "@xenova/transformers",
  v3: "transformers-v3",
  v4: "@huggingface/transformers",
} as const;
export type RuntimeName = keyof typeof RUNTIMES;
export const RUNTIME_NAMES = Object.keys(RUNTIMES) as RuntimeName[];

/** What a runtime server answers on GET /runtime. */
export interface RuntimeInfo {
  /** The specifier the code imported. */
  specifier: string;
  /** name@version from the package.json of the module that specifier resolved to in that process. */
  package: string;
  /** The module's own `env.version`. */
  envVersion: string | null;
}

/** name@version of the package that holds the file at `resolvedUrl` (the nearest package.json with both fields). */
export async function packageOf(resolvedUrl: string): Promise<string> {
  let dir = path.dirname(fileURLToPath(resolvedUrl));
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      // Some packages' dist/ folders carry a stub package.json ({"type": "module"}) without a name.
      if (manifest.name && manifest.version) return `${manifest.name}@${manifest.version}`;
    } catch {
      // No package.json here: look further up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json with a name and version above ${resolvedUrl}.`);
    dir = parent;
  }
}
