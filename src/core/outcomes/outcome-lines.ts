import type { FailureKind } from "../platform/types.js";
import type { JournalWriter } from "../state/journal-writer.js";
import { MAX_NUMBER_CHARS, putBytes, putNumber, putPlainJsonChars } from "../state/line-bytes.js";

/**
 * The job log's line format. Every finished item appends one line to the run's segment
 * file (outcome-files.ts), short keys because a million of them travel with the state:
 *
 *   {"t":"seg","v":1,"seq":4,"run":"123","att":1,"h":"command","shard":"1/2"}   a segment's header
 *   {"id":"a","at":1764250000123,"ms":12,"n":1}                                   a success
 *   {"id":"a","at":…,"ms":…,"n":2,"r":{"rows":3}}                                 … with its result
 *   {"id":"b","at":…,"ms":…,"n":3,"k":"permanent","e":"exit code 1: …","x":1}    a failure
 *
 * at: start (epoch ms) of the item's first attempt in that run; ms: until its outcome;
 * n: attempts over all runs; x: a command's exit status (a success of a command is 0);
 * k/e: the failure's kind and reason; redo: 1 when the item was processed again on
 * purpose (--redo-ids); pass: the batch's pass, when there are passes; r: the result.
 */
export interface SegmentHeader {
  t: "seg";
  v: 1;
  seq: number;
  run: string;
  att: number;
  /** The handler kind: "command", "module" or "worker". */
  h: string;
  shard?: string;
  pass?: number;
}

export interface OutcomeLine {
  id: string;
  at: number;
  ms: number;
  n: number;
  k?: FailureKind;
  e?: string;
  x?: number;
  redo?: 1;
  pass?: number;
  r?: unknown;
}

/**
 * The last line of a segment written to its end (or of a merged one): the top-level fields
 * of its object results and whether it has other results, so a CSV export knows its
 * columns without reading every result first.
 */
export interface KeysLine {
  t: "keys";
  keys: string[];
  plain: boolean;
}

/** Collects a segment's result fields for its keys line. */
export class ResultKeys {
  readonly keys = new Set<string>();
  plain = false;
  add(result: unknown): void {
    if (typeof result === "object" && result !== null && !Array.isArray(result)) for (const key of Object.keys(result)) this.keys.add(key);
    else if (result !== undefined) this.plain = true;
  }
  line(): string {
    const line: KeysLine = { t: "keys", keys: [...this.keys], plain: this.plain };
    return JSON.stringify(line) + "\n";
  }
}

export function parseKeysLine(text: string): KeysLine | undefined {
  if (!text.startsWith('{"t":"keys"')) return undefined;
  try {
    const v = JSON.parse(text) as KeysLine;
    return Array.isArray(v.keys) && typeof v.plain === "boolean" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** One outcome as the `log` and `results` commands show it. */
export interface OutcomeView {
  id: string;
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  attempts: number;
  /** A command's exit status; null when it was killed or never started. */
  exitStatus?: number | null;
  kind?: FailureKind;
  error?: string;
  redone?: true;
  shard?: string;
  pass?: number;
  runId: string;
  result?: unknown;
}

/** Quotes an id as JSON: by hand when JSON.stringify would leave it as it is (the hot path). */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return '"' + text + '"';
}

/** What a success and a failure line start with: the id, when it started, how long, attempts. */
function outcomeHead(id: string, startedAtMs: number, durationMs: number, attempts: number): string {
  return '{"id":' + jsonString(id) + ',"at":' + startedAtMs + ',"ms":' + durationMs + ',"n":' + attempts;
}

const SUCCESS_ID = Buffer.from('{"id":"', "latin1");
const SUCCESS_AT = Buffer.from('","at":', "latin1");
const SUCCESS_MS = Buffer.from(',"ms":', "latin1");
const SUCCESS_N = Buffer.from(',"n":', "latin1");
const SUCCESS_END = Buffer.from("}\n", "latin1");

/**
 * Appends a plain success line (no extra members, no result) as bytes straight into the
 * writer's buffer when the id allows (state/line-bytes.ts), else as successLine's string:
 * the same bytes either way. The per-item hot path of the job log.
 */
export function appendSuccessLine(writer: JournalWriter, id: string, startedAtMs: number, durationMs: number, attempts: number): void {
  const start = writer.room(SUCCESS_FIXED_BYTES + id.length + 3 * MAX_NUMBER_CHARS);
  if (start !== -1) {
    const bytes = writer.bytes;
    let p = putPlainJsonChars(bytes, putBytes(bytes, start, SUCCESS_ID), id);
    if (p !== -1) {
      p = putBytes(bytes, p, SUCCESS_AT);
      if (startedAtMs !== lastAt.ms) {
        lastAt.length = putNumber(lastAt.bytes, 0, startedAtMs);
        lastAt.ms = startedAtMs;
      }
      p = putBytes(bytes, p, lastAt.bytes, lastAt.length);
      p = putNumber(bytes, putBytes(bytes, p, SUCCESS_MS), durationMs);
      p = putNumber(bytes, putBytes(bytes, p, SUCCESS_N), attempts);
      return writer.wrote(putBytes(bytes, p, SUCCESS_END));
    }
  }
  writer.append(successLine(id, startedAtMs, durationMs, attempts, "", undefined));
}

/**
 * The last start time written, as digits: items that start in the same millisecond (most
 * of them, at thousands a second) copy these rather than work out thirteen digits again.
 */
const lastAt = { ms: Number.NaN, bytes: Buffer.alloc(MAX_NUMBER_CHARS), length: 0 };

const SUCCESS_FIXED_BYTES = SUCCESS_ID.length + SUCCESS_AT.length + SUCCESS_MS.length + SUCCESS_N.length + SUCCESS_END.length;

/** A success line; `resultJson` is the result already serialised (undefined: none). */
export function successLine(
  id: string,
  startedAtMs: number,
  durationMs: number,
  attempts: number,
  extra: string,
  resultJson: string | undefined,
): string {
  return outcomeHead(id, startedAtMs, durationMs, attempts) + extra + (resultJson === undefined ? "}\n" : ',"r":' + resultJson + "}\n");
}

export function failureLine(
  id: string,
  startedAtMs: number,
  durationMs: number,
  attempts: number,
  kind: FailureKind,
  error: string,
  exitCode: number | undefined,
  extra: string,
): string {
  return (
    outcomeHead(id, startedAtMs, durationMs, attempts) +
    ',"k":"' +
    kind +
    '","e":' +
    JSON.stringify(error) +
    (exitCode === undefined ? "" : ',"x":' + exitCode) +
    extra +
    "}\n"
  );
}

/** The members every line of a run shares beyond the header (redo, pass), as JSON text. */
export function extraMembers(o: { redone?: boolean; pass?: number }): string {
  return (o.redone ? ',"redo":1' : "") + (o.pass === undefined ? "" : ',"pass":' + o.pass);
}

/** Reads a line; undefined for a torn or foreign line. */
export function parseLine(text: string): SegmentHeader | OutcomeLine | undefined {
  if (text.length === 0 || text.charCodeAt(0) !== 0x7b) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.t === "seg") return typeof v.seq === "number" ? (v as unknown as SegmentHeader) : undefined;
  if (typeof v.id !== "string" || typeof v.at !== "number" || typeof v.ms !== "number" || typeof v.n !== "number") return undefined;
  return v as unknown as OutcomeLine;
}

/** The id of an outcome line without parsing the rest (pass one of `results`); undefined for a header. */
export function idOfLine(text: string, keep = false): string | undefined {
  if (!text.startsWith('{"id":"')) return undefined;
  const end = text.indexOf('"', 7);
  if (end === -1) return undefined;
  const raw = text.slice(7, end);
  // A copy, not a slice: a slice keeps the whole chunk of the file it came from alive, and
  // a map of a million ids would hold the whole job log in memory.
  if (raw.indexOf("\\") === -1) return keep ? flat(raw) : raw;
  // An escape inside: let JSON find the string's real end.
  return (parseLine(text) as OutcomeLine | undefined)?.id;
}

/** A string of its own (V8 copies a short string when a one-character prefix is sliced off a concatenation). */
function flat(text: string): string {
  return (" " + text).slice(1);
}

/** True when an outcome line is a success, without parsing it: failures carry "k". */
export function isSuccessLine(text: string): boolean {
  // A failure's "k" follows "n" at once (failureLine writes it so); outside a JSON string a
  // quote is never escaped, so the first ',"n":' is that member. Looking there, not through
  // the whole line, keeps a long result unread.
  const n = text.indexOf(',"n":');
  if (n === -1) return false;
  let i = n + 5;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
  return !text.startsWith(',"k":"', i);
}

export function viewOf(line: OutcomeLine, header: SegmentHeader | undefined): OutcomeView {
  const ok = line.k === undefined;
  const view: OutcomeView = {
    id: line.id,
    ok,
    startedAt: new Date(line.at).toISOString(),
    finishedAt: new Date(line.at + line.ms).toISOString(),
    durationMs: line.ms,
    attempts: line.n,
    runId: header?.run ?? "",
  };
  if (header?.h === "command") view.exitStatus = ok ? 0 : (line.x ?? null);
  if (!ok) {
    view.kind = line.k;
    view.error = line.e ?? "";
  }
  if (line.redo) view.redone = true;
  if (header?.shard !== undefined) view.shard = header.shard;
  const pass = line.pass ?? header?.pass;
  if (pass !== undefined) view.pass = pass;
  if ("r" in line) view.result = line.r;
  return view;
}
