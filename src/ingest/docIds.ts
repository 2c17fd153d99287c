import { createHash } from "node:crypto";

/** Lowercase ASCII words joined by hyphens: stable in URLs and readable in citations. */
export const DOC_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const slug = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/**
 * Ids for files without one given: the relative path without its extension,
 * as a slug ("Guides/Intro.md" → "guides-intro"). Files whose slugs collide keep
 * their extension ("intro-md", "intro-txt"); a name with no letters or digits
 * gets a hash of its path. The same folder always yields the same ids.
 */
export function assignDocIds(files: readonly string[], given: ReadonlyMap<string, string>): Map<string, string> {
  const base = (file: string) => slug(file.replace(/\.[^./]+$/, "")) || `doc-${createHash("sha256").update(file).digest("hex").slice(0, 8)}`;
  const counts = new Map<string, number>();
  for (const file of files) if (!given.has(file)) counts.set(base(file), (counts.get(base(file)) ?? 0) + 1);
  const taken = new Set(given.values());
  const ids = new Map<string, string>();
  for (const file of files) {
    let id = given.get(file);
    if (id === undefined) {
      id = base(file);
      if (counts.get(id)! > 1 || taken.has(id)) id = slug(file) || id;
    }
    ids.set(file, id);
  }
  return ids;
}

/** A title for a file that states none: its name, words spaced ("japan_aid-2024.txt" → "japan aid 2024"). */
export function titleFromFileName(file: string): string {
  const name = file.split("/").pop()!.replace(/\.[^.]+$/, "");
  return name.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim() || name;
}
