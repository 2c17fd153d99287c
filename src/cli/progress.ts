import type { IngestProgress } from "../ingest/buildIndex.js";
import type { EnsureIndexResult } from "../ingest/buildIndex.js";

const LABELS: Record<IngestProgress["phase"], { name: string; unit: string }> = {
  read: { name: "Reading", unit: "files" },
  embed: { name: "Embedding", unit: "texts" },
  graph: { name: "Vector graph", unit: "chunks" },
  write: { name: "Writing to the database", unit: "rows" },
};

/** A progress bar per phase (seconds since the phase began) on a terminal; on a pipe or log, a line per quarter so logs stay readable. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: IngestProgress) => void {
  let started = Date.now();
  let lastPhase: IngestProgress["phase"] | undefined;
  let lastQuarter = -1;
  return ({ phase, done, total }) => {
    const { name, unit } = LABELS[phase];
    if (phase !== lastPhase) {
      lastPhase = phase;
      lastQuarter = -1;
      started = Date.now();
    }
    const fraction = total === 0 ? 1 : done / total;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r${name} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${unit} ${seconds}s`);
      if (done === total) stream.write("\n");
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter !== lastQuarter) {
      lastQuarter = quarter;
      stream.write(`${name}: ${done}/${total} ${unit} (${Math.round(fraction * 100)}%) ${seconds}s\n`);
    }
  };
}

/** One line per file of the corpus folder that is not served, so a user sees why a document is missing. */
export function describeSkipped(skipped: readonly { file: string; reason: string }[]): string {
  return [`Left out ${skipped.length} file${skipped.length === 1 ? "" : "s"} of the corpus folder:`, ...skipped.map((s) => `  ${s.file}: ${s.reason}`)].join("\n");
}

export function describeIndex(result: EnsureIndexResult): string {
  const { counts, model } = result.manifest;
  const what = `${counts.documents} documents, ${counts.chunks} chunks, ${counts.sentences} sentences, model ${model.id}${model.quantized ? " (quantized)" : ""}`;
  return result.status === "built"
    ? `Built index in ${result.dir} (${result.reason}): ${what}.`
    : `Index up to date in ${result.dir}: ${what}.`;
}
