import { extname } from "node:path";
import { readCsvRecords } from "./csv-source.js";
import { InvalidUtf8Error, LineTooLongError, MAX_LINE_BYTES, readLineBatches } from "./line-reader.js";
import { splitJsonArrayInto, type ElementMaker } from "./json-array-splitter.js";
import { numberTextAt } from "./json-source-text.js";
import { NUMBER_REWRITTEN_DIFFERENTLY } from "./exact-json.js";
import { isWellFormed } from "../platform/well-formed.js";
import type { Item } from "../platform/types.js";
import type { SourceProblem } from "./source-problem.js";

export type ItemsFormat = "jsonl" | "json" | "csv" | "lines";
export const ITEMS_FORMATS: readonly ItemsFormat[] = ["jsonl", "json", "csv", "lines"];

/** The format a file's extension implies: .jsonl/.ndjson, .json, .csv, else one item per line. */
export function formatForPath(path: string): ItemsFormat {
  switch (extname(path).toLowerCase()) {
    case ".jsonl":
    case ".ndjson":
      return "jsonl";
    case ".json":
      return "json";
    case ".csv":
      return "csv";
    default:
      return "lines";
  }
}

export interface SourceSpec {
  /** File to read (a command's output is first captured to a file). */
  path: string;
  /** How to name the source in messages: the file path, or "items-command output". */
  label: string;
  format: ItemsFormat;
  /** Field holding the id (dots reach into nested objects); unused for plain lines. */
  idField: string;
}

/** A source entry: an item, or a problem pinned to a line. */
export type SourceEntry = { item: Item; problem?: undefined } | { item?: undefined; problem: SourceProblem };

export type { SourceProblem } from "./source-problem.js";

/**
 * Streams a source as batches of entries. Problems (malformed JSON, a missing id, invalid
 * UTF-8, a broken CSV row) are entries too, so a caller can list all of them with their
 * lines instead of stopping at the first.
 */
export async function* readSource(spec: SourceSpec, signal?: AbortSignal): AsyncGenerator<SourceEntry[]> {
  try {
    switch (spec.format) {
      case "lines":
      case "jsonl":
        yield* readLineItems(spec, signal);
        return;
      case "json":
        yield* splitJsonArrayInto(readLineBatches(spec.path, signal), jsonArrayEntries(spec.idField));
        return;
      case "csv":
        yield* readCsv(spec, signal);
        return;
    }
  } catch (error) {
    const problem = readProblem(error, spec.format);
    if (!problem) throw error;
    yield [{ problem }];
  }
}

/** The problem a read error stands for (the read ends there), or undefined for other errors. */
function readProblem(error: unknown, format: ItemsFormat): SourceProblem | undefined {
  if (error instanceof InvalidUtf8Error) return { line: error.line, message: "not valid UTF-8 (re-encode the file as UTF-8)" };
  if (error instanceof LineTooLongError) {
    const hint =
      format === "json"
        ? "a JSON array this large must have its elements on lines of their own (`jq -c '.[]'` turns it into JSON Lines)"
        : "an item is one line: is this the right file and --items-format?";
    return {
      line: error.line,
      message: `the line is longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB (MAX_LINE_BYTES), the longest line read; ${hint}`,
    };
  }
  return undefined;
}

/** Plain lines (the line is the id and the item) or JSON Lines, blank lines skipped. */
async function* readLineItems(spec: SourceSpec, signal: AbortSignal | undefined): AsyncGenerator<SourceEntry[]> {
  const json = spec.format === "jsonl";
  for await (const { texts, firstLine } of readLineBatches(spec.path, signal)) {
    const batch: SourceEntry[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      if (text.trim() === "") continue;
      batch.push(json ? jsonEntry(text, firstLine + i, spec.idField) : { item: { id: text, data: text, line: firstLine + i } });
    }
    yield batch;
  }
}

function jsonEntry(text: string, line: number, idField: string): SourceEntry {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: { line, message: `not valid JSON (${(error as Error).message})` } };
  }
  // The text is kept on every item (the string exists anyway); whether a handler needs it
  // instead of the parsed value is asked only when one writes the item out (exactJson).
  return withId(data, line, idField, text);
}

/** A JSON array's elements as entries, made as the splitter finds them. */
function jsonArrayEntries(idField: string): ElementMaker<SourceEntry> {
  return {
    text: (text, line) => jsonEntry(text, line, idField),
    parsed: (text, line, value) => withId(value, line, idField, text),
    problem: (problem) => ({ problem }),
  };
}

/** @param raw the item's JSON as written (JSON Lines, JSON arrays): numeric ids keep its digits, handlers may take it (exactJson) */
function withId(data: unknown, line: number, idField: string, raw?: string): SourceEntry {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { problem: { line, message: `an item must be a JSON object with an '${idField}' field, not ${describe(data)}` } };
  }
  const value = fieldValue(data as Record<string, unknown>, idField);
  if (typeof value === "string" && value !== "") {
    // A lone surrogate is no character; JSON can spell it (`"\ud800"`), but each turns into
    // the same U+FFFD in UTF-8 (environment, files, the journal): `x\ud800`, `x\udc00` and
    // `x\ufffd` would be one id.
    if (!isWellFormed(value))
      return {
        problem: {
          line,
          message: `the '${idField}' value is not well-formed Unicode (a lone surrogate escape like \\ud800): such ids would share one ITEM_ID and idempotency key; fix the escape`,
        },
      };
    return { item: raw === undefined ? { id: value, data, line } : { id: value, data, line, raw } };
  }
  if (typeof value === "number" && Number.isFinite(value)) {
    // The digits as written: 9007199254740993 is not the double 9007199254740992.
    const path = idField in (data as object) ? [idField] : idField.split(".");
    const id = (raw !== undefined && NUMBER_REWRITTEN_DIFFERENTLY.test(raw) ? numberTextAt(raw, path) : undefined) ?? String(value);
    return { item: raw === undefined ? { id, data, line } : { id, data, line, raw } };
  }
  if (value === undefined) return { problem: { line, message: `no '${idField}' field (choose the id field with --id-field / id-field)` } };
  return { problem: { line, message: `the '${idField}' field must be a non-empty string or a number, not ${describe(value)}` } };
}

/** Reads `a.b.c` as a nested path when there is no literal key of that name. */
export function fieldValue(data: Record<string, unknown>, field: string): unknown {
  if (field in data) return data[field];
  if (!field.includes(".")) return undefined;
  let current: unknown = data;
  for (const part of field.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  return `a ${typeof value}`;
}

async function* readCsv(spec: SourceSpec, signal?: AbortSignal): AsyncGenerator<SourceEntry[]> {
  let checkedHeader = false;
  for await (const entries of readCsvRecords(spec.path, signal)) {
    const batch: SourceEntry[] = [];
    for (const entry of entries) {
      if (entry.problem) {
        batch.push({ problem: entry.problem });
        continue;
      }
      if (!checkedHeader) {
        checkedHeader = true;
        if (!(spec.idField in entry.record)) {
          const columns = Object.keys(entry.record).join(", ");
          yield [
            {
              problem: { line: 1, message: `no '${spec.idField}' column in the header (columns: ${columns}); choose one with --id-field / id-field` },
            },
          ];
          return;
        }
      }
      batch.push(withId(entry.record, entry.line, spec.idField));
    }
    if (batch.length > 0) yield batch;
  }
}
