import { describe, expect, it } from "vitest";
import { progressReporter } from "../../src/cli/progress.js";

/** A stream that keeps what is written; `isTTY` decides between a bar and log lines. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream };
}

describe("progressReporter", () => {
  it("writes a log line per quarter of each phase, naming the phase and its unit", () => {
    const { written, stream: log } = stream(false);
    const report = progressReporter(log);
    for (let done = 0; done <= 100; done += 5) report({ phase: "embed", done, total: 100 });
    for (let done = 1000; done <= 4000; done += 1000) report({ phase: "graph", done, total: 4000 });
    const lines = written.join("").trim().split("\n");
    expect(lines.map((l) => l.replace(/ [\d.]+s$/, ""))).toEqual([
      "Embedding: 0/100 texts (0%)",
      "Embedding: 25/100 texts (25%)",
      "Embedding: 50/100 texts (50%)",
      "Embedding: 75/100 texts (75%)",
      "Embedding: 100/100 texts (100%)",
      "Vector graph: 1000/4000 chunks (25%)",
      "Vector graph: 2000/4000 chunks (50%)",
      "Vector graph: 3000/4000 chunks (75%)",
      "Vector graph: 4000/4000 chunks (100%)",
    ]);
  });

  it("counts each phase's seconds from its own start", () => {
    const { written, stream: log } = stream(false);
    let now = 1_000_000;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const report = progressReporter(log);
      report({ phase: "embed", done: 0, total: 1 });
      now += 90_000;
      report({ phase: "embed", done: 1, total: 1 });
      now += 5_000;
      report({ phase: "graph", done: 1, total: 1 });
    } finally {
      Date.now = realNow;
    }
    expect(written.join("")).toBe("Embedding: 0/1 texts (0%) 0.0s\nEmbedding: 1/1 texts (100%) 90.0s\nVector graph: 1/1 chunks (100%) 0.0s\n");
  });

  it("redraws one bar per phase on a terminal and ends each with a newline", () => {
    const { written, stream: tty } = stream(true);
    const report = progressReporter(tty);
    report({ phase: "embed", done: 1, total: 2 });
    report({ phase: "embed", done: 2, total: 2 });
    report({ phase: "graph", done: 1, total: 1 });
    const text = written.join("");
    expect(text).toMatch(/^\rEmbedding \[#{15}-{15}\] 1\/2 texts [\d.]+s\rEmbedding \[#{30}\] 2\/2 texts [\d.]+s\n\rVector graph \[#{30}\] 1\/1 chunks [\d.]+s\n$/);
  });
});
