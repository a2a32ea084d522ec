import type { FailureKind, FailureRecord, RunRecord, StopReason } from "../platform/types.js";
import type { DoneRecord, EndRecord, FailRecord, JournalRecord, StartRecord } from "./journal-records.js";

/**
 * What a loaded or restored state must satisfy before the engine trusts it. A state comes
 * back from a cache entry or an artifact that anyone with write access to the repository
 * (or a bug in an older release) could have shaped, and every field checked here is one
 * the engine later relies on: a start record without runId broke the next load, a failure
 * without `item` broke retry-failures, a huge seq would outrank every honest state on restore.
 */

/**
 * The largest sequence number a state may carry. Each run adds one, so this is a run every
 * minute for 19 years; anything larger was not written by a run, and would win every
 * later restore (restore takes the highest seq).
 */
export const MAX_SEQ = 10_000_000;
/** Attempts and per-run counts: far above anything a run reaches, far below 2^53. */
const MAX_COUNT = 1_000_000_000_000;
/** Run ids are GitHub run ids or "local"; attempts are small. */
const MAX_RUN_ID_CHARS = 200;
const MAX_RUN_ATTEMPT = 1_000_000;
/**
 * A failure's `raw` (the item's JSON as the input wrote it): at most one input line, whose
 * cap is MAX_LINE_BYTES (64 MiB) in input/line-reader.ts; a character is at least one byte.
 */
const MAX_RAW_ITEM_CHARS = 64 * 1024 * 1024;
/** ISO timestamps and shard labels are short; a long one is not ours. */
const MAX_SHORT_TEXT_CHARS = 100;

/**
 * What one failure keeps of its error text, in UTF-8 bytes: the start (where a module's
 * message names the cause) and the end (where a command's stderr usually does). 20k
 * failures with 30 kB of stderr each made a state larger than a JavaScript string.
 */
export const MAX_ERROR_BYTES = 8 * 1024;
const ERROR_HEAD_BYTES = 6 * 1024;
const ERROR_TAIL_BYTES = MAX_ERROR_BYTES - ERROR_HEAD_BYTES - 64;

export const FAILURE_KINDS: ReadonlySet<string> = new Set<FailureKind>(["transient", "permanent", "timeout", "quarantined"]);
/** "handler-error": a broken --run/--worker stopped the run (issue 12 §1); accepted ahead of its release. */
const STOP_REASONS: ReadonlySet<string> = new Set<string>(["complete", "budget", "signal", "failure-rate", "handler-error"] satisfies Array<
  StopReason | "handler-error"
>);
const RUN_MODES: ReadonlySet<string> = new Set<RunRecord["mode"]>(["run", "retry-failures"]);

/** Thrown by the checks below; the caller adds where (file:line). */
export class SchemaViolation extends Error {}

/** Shortens an error text to MAX_ERROR_BYTES, keeping its start and its end. */
export function capErrorText(text: string): string {
  // Most errors are short: a length check in characters (≤ 3 bytes each) settles them.
  if (text.length * 3 <= MAX_ERROR_BYTES) return text;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= MAX_ERROR_BYTES) return text;
  // Decoding a cut UTF-8 sequence gives U+FFFD at the cut, never an invalid string.
  const head = bytes.toString("utf8", 0, ERROR_HEAD_BYTES).replace(/\uFFFD$/, "");
  const tail = bytes.toString("utf8", bytes.length - ERROR_TAIL_BYTES).replace(/^\uFFFD/, "");
  return `${head}\n… [${bytes.length - ERROR_HEAD_BYTES - ERROR_TAIL_BYTES} bytes cut: errors keep ${MAX_ERROR_BYTES} bytes] …\n${tail}`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function count(r: Record<string, unknown>, key: string, min = 0, max = MAX_COUNT): number {
  const v = r[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new SchemaViolation(`'${key}' must be a whole number from ${min} to ${max}, not ${short(v)}`);
  }
  return v;
}

function optionalCount(r: Record<string, unknown>, key: string): number | undefined {
  return r[key] === undefined ? undefined : count(r, key);
}

function text(r: Record<string, unknown>, key: string, maxChars = Infinity, allowEmpty = false): string {
  const v = r[key];
  if (typeof v !== "string" || (!allowEmpty && v === "") || v.length > maxChars) {
    throw new SchemaViolation(
      `'${key}' must be a ${allowEmpty ? "" : "non-empty "}string${maxChars < Infinity ? ` of at most ${maxChars} characters` : ""}, not ${short(v)}`,
    );
  }
  return v;
}

function oneOf(r: Record<string, unknown>, key: string, allowed: ReadonlySet<string>): string {
  const v = r[key];
  if (typeof v !== "string" || !allowed.has(v)) throw new SchemaViolation(`'${key}' must be one of ${[...allowed].join(", ")}, not ${short(v)}`);
  return v;
}

function short(v: unknown): string {
  if (v === undefined) return "missing";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}

export function checkSeq(r: Record<string, unknown>, key = "seq"): number {
  return count(r, key, 0, MAX_SEQ);
}

export function checkOrigin(v: unknown): { seq: number; runId: string; runAttempt: number } {
  if (!isObject(v)) throw new SchemaViolation(`'origin' must be an object, not ${short(v)}`);
  return { seq: checkSeq(v), runId: text(v, "runId", MAX_RUN_ID_CHARS, true), runAttempt: count(v, "runAttempt", 0, MAX_RUN_ATTEMPT) };
}

/** A done id: a non-empty string. */
export function checkId(v: unknown): string {
  if (typeof v !== "string" || v === "") throw new SchemaViolation(`a done id must be a non-empty string, not ${short(v)}`);
  return v;
}

export function checkRun(r: Record<string, unknown>): RunRecord {
  const run: RunRecord = {
    seq: checkSeq(r),
    runId: text(r, "runId", MAX_RUN_ID_CHARS, true),
    runAttempt: count(r, "runAttempt", 0, MAX_RUN_ATTEMPT),
    mode: oneOf(r, "mode", RUN_MODES) as RunRecord["mode"],
    startedAt: text(r, "startedAt", MAX_SHORT_TEXT_CHARS),
    succeeded: count(r, "succeeded"),
    failed: count(r, "failed"),
  };
  if (r.endedAt !== undefined) run.endedAt = text(r, "endedAt", MAX_SHORT_TEXT_CHARS);
  if (r.stopReason !== undefined) run.stopReason = oneOf(r, "stopReason", STOP_REASONS) as StopReason;
  const total = optionalCount(r, "total");
  const remaining = optionalCount(r, "remaining");
  if (total !== undefined) run.total = total;
  if (remaining !== undefined) run.remaining = remaining;
  const pass = optionalCount(r, "pass");
  if (pass !== undefined) run.pass = pass;
  const changed = optionalCount(r, "changed");
  if (changed !== undefined) run.changed = changed;
  return run;
}

/** A failure as a snapshot stores it (FailureRecord's names); its error text is capped. */
export function checkFailure(r: Record<string, unknown>): FailureRecord {
  if (!("item" in r)) throw new SchemaViolation(`'item' is missing (retry-failures needs it)`);
  const f: FailureRecord = {
    id: text(r, "id"),
    error: capErrorText(text(r, "error", Infinity, true)),
    kind: oneOf(r, "kind", FAILURE_KINDS) as FailureKind,
    attempts: count(r, "attempts"),
    runs: r.runs === undefined ? 1 : count(r, "runs"),
    firstFailedAt: text(r, "firstFailedAt", MAX_SHORT_TEXT_CHARS),
    lastFailedAt: text(r, "lastFailedAt", MAX_SHORT_TEXT_CHARS),
    item: r.item,
  };
  if (r.shard !== undefined) f.shard = text(r, "shard", MAX_SHORT_TEXT_CHARS);
  if (r.raw !== undefined) f.raw = checkRawItem(r);
  return f;
}

/** A journal line, checked field by field; `t` names its kind. */
export function checkJournalRecord(r: Record<string, unknown>): JournalRecord {
  switch (r.t) {
    case "done": {
      const done: DoneRecord = { t: "done", id: checkId(r.id) };
      return { ...done, ...checkVersionFields(r) };
    }
    case "pass":
      return { t: "pass", pass: count(r, "pass", 2), at: text(r, "at", MAX_SHORT_TEXT_CHARS) };
    case "fail":
      return checkFailRecord(r);
    case "start": {
      const start: StartRecord = {
        t: "start",
        seq: checkSeq(r),
        runId: text(r, "runId", MAX_RUN_ID_CHARS, true),
        runAttempt: count(r, "runAttempt", 0, MAX_RUN_ATTEMPT),
        mode: oneOf(r, "mode", RUN_MODES) as RunRecord["mode"],
        at: text(r, "at", MAX_SHORT_TEXT_CHARS),
      };
      const pass = optionalCount(r, "pass");
      if (pass !== undefined) start.pass = pass;
      const repeatMs = optionalCount(r, "repeatMs");
      if (repeatMs !== undefined) start.repeatMs = repeatMs;
      return start;
    }
    case "end": {
      const end: EndRecord = {
        t: "end",
        seq: checkSeq(r),
        at: text(r, "at", MAX_SHORT_TEXT_CHARS),
        succeeded: count(r, "succeeded"),
        failed: count(r, "failed"),
        stopReason: oneOf(r, "stopReason", STOP_REASONS) as StopReason,
      };
      const total = optionalCount(r, "total");
      const remaining = optionalCount(r, "remaining");
      if (total !== undefined) end.total = total;
      if (remaining !== undefined) end.remaining = remaining;
      const changed = optionalCount(r, "changed");
      if (changed !== undefined) end.changed = changed;
      return end;
    }
    default:
      throw new SchemaViolation(`unknown record type ${short(r.t)} (written by a newer release?)`);
  }
}

function checkFailRecord(r: Record<string, unknown>): FailRecord {
  if (!("item" in r)) throw new SchemaViolation(`'item' is missing (retry-failures needs it)`);
  const rec: FailRecord = {
    t: "fail",
    id: text(r, "id"),
    kind: oneOf(r, "kind", FAILURE_KINDS) as FailureKind,
    error: capErrorText(text(r, "error", Infinity, true)),
    attempts: count(r, "attempts"),
    runs: r.runs === undefined ? 1 : count(r, "runs"),
    first: text(r, "first", MAX_SHORT_TEXT_CHARS),
    last: text(r, "last", MAX_SHORT_TEXT_CHARS),
    item: r.item,
  };
  if (r.shard !== undefined) rec.shard = text(r, "shard", MAX_SHORT_TEXT_CHARS);
  if (r.raw !== undefined) rec.raw = checkRawItem(r);
  return { ...rec, ...checkVersionFields(r) };
}

/**
 * A failure's `raw`: the item's exact JSON text, handed to --run and --worker on retry
 * (issue 12 §5). Handlers get it as it is, so it must be one JSON value and no longer
 * than an input line; records written before it existed have none and still load.
 */
function checkRawItem(r: Record<string, unknown>): string {
  const raw = text(r, "raw", MAX_RAW_ITEM_CHARS);
  try {
    JSON.parse(raw);
  } catch {
    throw new SchemaViolation(`'raw' must be the item's JSON text, not ${short(raw)}`);
  }
  return raw;
}

/** A done or fail record's fingerprint ("f", 8 base64url characters) and version ("v"). */
function checkVersionFields(r: Record<string, unknown>): { f?: string; v?: number } {
  const fields: { f?: string; v?: number } = {};
  if (r.f !== undefined) {
    if (typeof r.f !== "string" || !/^[A-Za-z0-9_-]{8}$/.test(r.f))
      throw new SchemaViolation(`'f' must be 8 base64url characters, not ${short(r.f)}`);
    fields.f = r.f;
  }
  const version = optionalCount(r, "v");
  if (version !== undefined) fields.v = version;
  return fields;
}
