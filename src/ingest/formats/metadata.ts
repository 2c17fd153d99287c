import { RagError } from "../../errors.js";

export interface DocumentMetadataFields {
  title?: string;
  author?: string;
  publisher?: string;
  date?: string;
}

/** A stated field as one trimmed line; lists (several authors) joined with ", ". */
export function field(value: unknown): string | undefined {
  if (Array.isArray(value)) return field(value.map(field).filter(Boolean).join(", "));
  if (value && typeof value === "object" && "name" in value) return field(value.name);
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return undefined;
  return value.replace(/\s+/g, " ").trim() || undefined;
}

/** Drops the keys nothing was stated for, so `{}` means "the file states nothing". */
export function compact(fields: Record<keyof DocumentMetadataFields, unknown>): DocumentMetadataFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as DocumentMetadataFields;
}

const ISO_PREFIX = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T\s])/;

/**
 * A stated date as an ISO 8601 calendar date at the precision stated (YYYY,
 * YYYY-MM or YYYY-MM-DD). The day is the one written, not shifted to UTC: a
 * time of day and zone say when on that day, which no citation needs.
 */
export function isoDate(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value === "number") return Number.isInteger(value) && value >= 1000 && value <= 9999 ? String(value) : undefined;
  const text = field(value);
  if (!text) return undefined;
  const iso = ISO_PREFIX.exec(text);
  if (iso) return validDate(iso[1]!, iso[2], iso[3]);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  // Date.parse reads a zoneless date as local midnight, a zoned one as that instant.
  const utc = /\b(?:Z|GMT|UTC)\b|[+-]\d{2}:?\d{2}\b/.test(text);
  const [y, m, day] = utc ? [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()] : [d.getFullYear(), d.getMonth(), d.getDate()];
  return `${String(y).padStart(4, "0")}-${String(m + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function validDate(year: string, month?: string, day?: string): string | undefined {
  if (month === undefined) return year;
  const m = Number(month);
  if (m < 1 || m > 12) return undefined;
  if (day === undefined) return `${year}-${month}`;
  const d = Number(day);
  return d >= 1 && d <= new Date(Date.UTC(Number(year), m, 0)).getUTCDate() ? `${year}-${month}-${day}` : undefined;
}

export function invalidFile(fileName: string, problem: string, cause?: unknown): RagError {
  return new RagError("corpus_invalid", `${fileName}: ${problem}`, cause === undefined ? undefined : { cause });
}
