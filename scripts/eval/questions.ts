import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

/** One line of an evaluation file (see eval/README.md). */
export interface EvalQuestion {
  id: string;
  question: string;
  kind: string;
  answerable: boolean;
  doc?: string;
  evidence?: string;
  answers?: string[];
  /** Which half of a set the question belongs to: tune on one, report on the other. */
  split?: "tune" | "report";
}

export const DEFAULT_DEV_SET = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../eval/dev.jsonl");

export async function readQuestions(file: string = DEFAULT_DEV_SET): Promise<EvalQuestion[]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l.trim() !== "");
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as EvalQuestion;
    } catch {
      throw new Error(`${file}:${i + 1} is not valid JSON.`);
    }
  });
}
