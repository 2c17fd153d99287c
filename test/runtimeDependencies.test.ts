import { readdir, readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every module specifier a file names: static imports and re-exports (type-only ones too: the start compiles them) and dynamic imports. */
function specifiersOf(source: string): string[] {
  const found = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"';]*?\bfrom\s+["']([^"']+)["']/g), ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)];
  return found.map((m) => m[1]!);
}

const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => path.join(e.parentPath, e.name));
}

// `npm ci --omit=dev && npm start` compiles src/ and runs it: every package src/ names must be a runtime dependency.
describe("the service's runtime path", () => {
  it("imports only Node built-ins, its own modules and packages listed in dependencies", async () => {
    const { dependencies = {} } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const misplaced: string[] = [];
    for (const file of await sourceFiles(path.join(root, "src"))) {
      for (const specifier of specifiersOf(await readFile(file, "utf8"))) {
        if (specifier.startsWith(".")) {
          const target = path.resolve(path.dirname(file), specifier);
          if (!target.startsWith(path.join(root, "src") + path.sep)) misplaced.push(`${path.relative(root, file)} reaches outside src/: ${specifier}`);
          continue;
        }
        if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
        const name = packageOf(specifier);
        const typesName = `@types/${name.replace(/^@/, "").replace("/", "__")}`;
        if (SOURCES_ONLY.has(name)) continue;
        if (!(name in dependencies)) misplaced.push(`${path.relative(root, file)} imports ${specifier}, and ${name} is not in dependencies`);
        else if (typesOnlyPackages.has(typesName) && !(typesName in dependencies)) misplaced.push(`${name} needs ${typesName} in dependencies to compile`);
      }
    }
    expect(misplaced).toEqual([]);
    expect(specifiersOf('import type { A } from "x";\nexport { b } from "./b.js";\nawait import("y")')).toEqual(["x", "./b.js", "y"]);
  });

  it("can compile at start: the compiler and the type packages it needs are runtime dependencies", async () => {
    const { dependencies = {}, scripts = {} } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      scripts?: Record<string, string>;
    };
    expect(scripts.prestart).toContain("tsc");
    for (const name of ["typescript", ...typesOnlyPackages]) expect(dependencies, name).toHaveProperty([name]);
  });
});

// Loaded only when the service runs from TypeScript sources (tests, scripts), never from dist/:
// the embedding worker's bootstrap registers tsx then (see workerEmbedder.ts).
const SOURCES_ONLY = new Set(["tsx"]);

// Packages that ship no types of their own, so compiling src/ needs these; @types/node for `types: ["node"]` in tsconfig.json.
const typesOnlyPackages = new Set(["@types/express", "@types/node"]);
