import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import {
  planResults,
  readOutcomes,
  readPlannedRawResults,
  viewOf,
  type OutcomeView,
  type RawResultRecord,
  type ResultRecord,
  type ResultsPlan,
} from "../core/index.js";
import { formulaSafeCell } from "./csv.js";

export const RESULT_FORMATS = ["jsonl", "csv", "json"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];
export const LOG_FORMATS = ["jsonl", "csv"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * One CSV cell: nested values as their JSON, booleans as words (csv-stringify would write
 * 1 and an empty cell), then made formula-safe (csv.ts).
 */
function cell(value: unknown): unknown {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return formulaSafeCell(JSON.stringify(value));
  if (typeof value === "boolean") return String(value);
  return formulaSafeCell(value);
}

/** A cell csv-stringify would write unquoted: no delimiter, quote or line break in it. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field, byte for byte as csv-stringify writes it: the common plain cell is
 * written as it is (a csv-stringify call per row was most of the export's time), any
 * other goes through csv-stringify.
 */
export function csvField(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string" && !NEEDS_QUOTES.test(value)) return value;
  return stringify([[value]]).slice(0, -1);
}

/** The result file every artifact carries. */
export const RESULTS_FILE = "results.jsonl";

/** Writes, waiting when the stream asks to (a pipe to a slow reader, a file). */
async function put(out: Writable, text: string): Promise<void> {
  if (text.length > 0 && !out.write(text)) await once(out, "drain");
}

/**
 * Streams every item's last success (see readResults) as JSON Lines, a JSON array or CSV.
 * Returns how many records were written.
 */
export async function exportResults(stateDir: string, format: ResultFormat, out: Writable): Promise<number> {
  const plan = await planResults(stateDir);
  let count = 0;
  if (format === "csv") {
    const columns = await resultColumns(plan);
    await put(out, stringify([columns.map((c) => c.name)]));
    for await (const batch of readPlannedRawResults(plan)) {
      let text = "";
      for (const raw of batch) {
        const r = parsed(raw);
        text += columns.map((c) => csvField(cell(c.value(r)))).join(",") + "\n";
      }
      await put(out, text);
      count += batch.length;
    }
    return count;
  }
  if (format === "json") await put(out, "[");
  for await (const batch of readPlannedRawResults(plan)) {
    let text = "";
    for (const record of batch) {
      text += format === "json" ? (count === 0 ? "\n" : ",\n") + recordJson(record) : recordJson(record) + "\n";
      count++;
    }
    await put(out, text);
  }
  if (format === "json") await put(out, count === 0 ? "]\n" : "\n]\n");
  return count;
}

/**
 * A record as JSON, the result's saved text spliced in as it is (parsing and printing a
 * million results again is most of what an export would otherwise cost). Same members,
 * in the same order, as JSON.stringify of the parsed record.
 */
function recordJson(r: RawResultRecord): string {
  return (
    '{"id":' +
    JSON.stringify(r.id) +
    (r.resultJson === undefined ? "" : ',"result":' + r.resultJson) +
    ',"finishedAt":"' +
    r.finishedAt +
    '","durationMs":' +
    r.durationMs +
    ',"attempts":' +
    r.attempts +
    (r.shard === undefined ? "" : ',"shard":' + JSON.stringify(r.shard)) +
    (r.pass === undefined ? "" : ',"pass":' + r.pass) +
    (r.redone ? ',"redone":true' : "") +
    "}"
  );
}

function parsed({ resultJson, ...rest }: RawResultRecord): ResultRecord {
  return resultJson === undefined ? rest : { ...rest, result: JSON.parse(resultJson) as unknown };
}

interface Column {
  name: string;
  value(record: ResultRecord): unknown;
}

const FIXED_AFTER = ["finishedAt", "durationMs", "attempts"] as const;
const OPTIONAL = ["shard", "pass", "redone"] as const;
const RESERVED = new Set<string>(["id", "result", ...FIXED_AFTER, ...OPTIONAL]);

/**
 * CSV's columns: id, the top-level fields of object results (a field named like a fixed
 * column becomes `result.<name>`), `result` for results that are not objects, then the
 * outcome's columns. Found by reading the planned results once before writing them, since
 * a CSV header comes first and the results are never all held at once.
 */
async function resultColumns(plan: ResultsPlan): Promise<Column[]> {
  const fields = new Set<string>(plan.keys?.fields);
  let plain = plan.keys?.plain ?? false;
  const present = new Set<string>();
  // With every segment's keys known, only shard, pass and redone are looked for: no result is parsed.
  const keysKnown = plan.keys !== undefined;
  for await (const batch of readPlannedRawResults(plan)) {
    for (const record of batch) {
      const json = record.resultJson;
      // Only an object has fields to flatten: other results need no parse to be told apart.
      if (keysKnown || json === undefined) {
        // known from the keys lines
      } else if (json.charCodeAt(0) === 0x7b) for (const key of Object.keys(JSON.parse(json) as object)) fields.add(key);
      else plain = true;
      for (const key of OPTIONAL) if (record[key] !== undefined) present.add(key);
    }
  }
  const columns: Column[] = [{ name: "id", value: (r) => r.id }];
  for (const key of fields) {
    columns.push({ name: RESERVED.has(key) ? `result.${key}` : key, value: (r) => (isPlainObject(r.result) ? r.result[key] : undefined) });
  }
  if (plain || fields.size === 0) columns.push({ name: "result", value: (r) => (isPlainObject(r.result) ? undefined : r.result) });
  for (const key of FIXED_AFTER) columns.push({ name: key, value: (r) => r[key] });
  for (const key of OPTIONAL) if (present.has(key)) columns.push({ name: key, value: (r) => r[key] });
  return columns;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const LOG_COLUMNS: Array<keyof OutcomeView> = [
  "id",
  "ok",
  "startedAt",
  "finishedAt",
  "durationMs",
  "attempts",
  "exitStatus",
  "kind",
  "error",
  "redone",
  "shard",
  "pass",
  "runId",
];

/** Streams the job log: every outcome, failures included, oldest first (results left out). */
export async function exportLog(stateDir: string, format: LogFormat, out: Writable): Promise<number> {
  let count = 0;
  if (format === "csv") await put(out, stringify([LOG_COLUMNS]));
  for await (const batch of readOutcomes(stateDir)) {
    const views = batch.map(({ line, header }) => {
      const view = viewOf(line, header);
      delete view.result;
      return view;
    });
    count += views.length;
    if (format === "csv") await put(out, stringify(views.map((v) => LOG_COLUMNS.map((c) => cell(v[c])))));
    else await put(out, views.map((v) => JSON.stringify(v)).join("\n") + "\n");
  }
  return count;
}
