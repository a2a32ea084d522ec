import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import {
  HAS_PASS,
  HAS_REDONE,
  HAS_SHARD,
  planResults,
  readOutcomes,
  readPlannedRawResults,
  recordOfHead,
  viewOf,
  visitPlannedLines,
  type LineHead,
  type OutcomeView,
  type PlannedLine,
  type RawResultRecord,
  type ResultRecord,
  type ResultsPlan,
} from "../core/index.js";
import { ByteWriter } from "./byte-writer.js";
import { formulaSafeCell } from "./csv.js";
import { CsvRowWriter, type CsvLayout } from "./results-csv.js";

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
  if (format === "csv") return exportCsv(plan, out);
  const w = new ByteWriter(out);
  let count = 0;
  if (format === "json") w.ascii("[");
  const visit = (line: PlannedLine) => {
    if (format === "json") w.ascii(count === 0 ? "\n" : ",\n");
    if (line.head === undefined) w.text(recordJson(line.record!));
    else recordJsonBytes(line, line.head, w);
    if (format === "jsonl") w.ascii("\n");
    count++;
  };
  const chunks = visitPlannedLines(plan, visit);
  while (!(await chunks.next()).done) await w.flush();
  if (format === "json") w.ascii(count === 0 ? "]\n" : "\n]\n");
  await w.flush();
  return count;
}

/** CSV: the header from the plan (keys lines, present members), then a row per record. */
async function exportCsv(plan: ResultsPlan, out: Writable): Promise<number> {
  const { fields, plain } = plan.keys ?? (await resultFields(plan));
  const layout: CsvLayout = {
    fields,
    resultColumn: plain || fields.length === 0,
    shard: (plan.present & HAS_SHARD) !== 0,
    pass: (plan.present & HAS_PASS) !== 0,
    redone: (plan.present & HAS_REDONE) !== 0,
  };
  const columns = columnsOf(layout);
  const w = new ByteWriter(out);
  w.text(stringify([columns.map((c) => c.name)]));
  const rows = new CsvRowWriter(layout, (value) => csvField(cell(value)));
  let count = 0;
  const visit = (line: PlannedLine) => {
    if (line.head === undefined || !rows.row(line, line.head, w)) {
      const r = parsed(line.record ?? recordOfHead(line, line.head!));
      w.text(columns.map((c) => csvField(cell(c.value(r)))).join(",") + "\n");
    }
    count++;
  };
  const chunks = visitPlannedLines(plan, visit);
  while (!(await chunks.next()).done) await w.flush();
  await w.flush();
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

let lastMs = -1;
let lastIso = "";

/** The ISO time of an epoch time, the last one kept: a million records share far fewer milliseconds. */
function isoOf(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** recordJson from the line's bytes: an id without escapes is its own JSON text, as is the result. */
function recordJsonBytes(line: PlannedLine, head: LineHead, w: ByteWriter): void {
  const { buf, end, header } = line;
  w.ascii('{"id":"');
  w.bytes(buf, head.idStart, head.idEnd);
  w.byte(0x22);
  if (head.resultStart !== -1) {
    w.ascii(',"result":');
    w.bytes(buf, head.resultStart, end - 1);
  }
  w.ascii(',"finishedAt":"');
  w.ascii(isoOf(head.at + head.ms));
  w.ascii('","durationMs":');
  w.bytes(buf, head.msStart, head.msEnd);
  w.ascii(',"attempts":');
  w.bytes(buf, head.nStart, head.nEnd);
  if (header?.shard !== undefined) w.text(',"shard":' + JSON.stringify(header.shard));
  const pass = head.pass !== -1 ? head.pass : header?.pass;
  if (pass !== undefined) w.ascii(',"pass":' + pass);
  if (head.redo) w.ascii(',"redone":true');
  w.byte(0x7d);
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
 * The result fields when a segment has no keys line (its run was killed): read from the
 * planned results before writing them, since a CSV header comes first and the results are
 * never all held at once.
 */
async function resultFields(plan: ResultsPlan): Promise<{ fields: string[]; plain: boolean }> {
  const fields = new Set<string>();
  let plain = false;
  for await (const batch of readPlannedRawResults(plan)) {
    for (const { resultJson: json } of batch) {
      // Only an object has fields to flatten: other results need no parse to be told apart.
      if (json === undefined) continue;
      if (json.charCodeAt(0) === 0x7b) for (const key of Object.keys(JSON.parse(json) as object)) fields.add(key);
      else plain = true;
    }
  }
  return { fields: [...fields], plain };
}

/**
 * CSV's columns: id, the top-level fields of object results (a field named like a fixed
 * column becomes `result.<name>`), `result` for results that are not objects, then the
 * outcome's columns.
 */
function columnsOf(layout: CsvLayout): Column[] {
  const columns: Column[] = [{ name: "id", value: (r) => r.id }];
  for (const key of layout.fields) {
    columns.push({
      name: RESERVED.has(key) ? `result.${key}` : key,
      value: (r) => (isPlainObject(r.result) && Object.hasOwn(r.result, key) ? r.result[key] : undefined),
    });
  }
  if (layout.resultColumn) columns.push({ name: "result", value: (r) => (isPlainObject(r.result) ? undefined : r.result) });
  for (const key of FIXED_AFTER) columns.push({ name: key, value: (r) => r[key] });
  for (const key of OPTIONAL) if (layout[key]) columns.push({ name: key, value: (r) => r[key] });
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
    // A cell at a time as csv-stringify writes it (csvField): one csv-stringify call per batch of rows cost most of the export.
    if (format === "csv") await put(out, views.map((v) => LOG_COLUMNS.map((c) => csvField(cell(v[c]))).join(",") + "\n").join(""));
    else await put(out, views.map((v) => JSON.stringify(v)).join("\n") + "\n");
  }
  return count;
}
