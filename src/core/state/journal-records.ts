import type { FailureKind, RunRecord, StopReason } from "../platform/types.js";
import type { JournalWriter } from "./journal-writer.js";
import { putBytes, putPlainJsonChars } from "./line-bytes.js";

/**
 * One line of the append-only journal. Every record carries absolute values (not
 * increments), so replaying a record twice — as happens when a crash lands between
 * writing a snapshot and starting the next journal — gives the same state.
 */
export type JournalRecord = StartRecord | DoneRecord | FailRecord | EndRecord | PassRecordLine;

export interface StartRecord {
  t: "start";
  seq: number;
  runId: string;
  runAttempt: number;
  mode: RunRecord["mode"];
  at: string;
  /** The pass this run works in (absent before passes existed: pass 1). */
  pass?: number;
  /** The run's `repeat` interval, so `status` can tell when the next pass starts. */
  repeatMs?: number;
}

/**
 * A new pass starts: the finished one goes to the history, and nothing is done in the new
 * one. Replaying it again is a no-op (the pass number only grows).
 */
export interface PassRecordLine {
  t: "pass";
  pass: number;
  at: string;
}

export interface DoneRecord {
  t: "done";
  id: string;
  /** With reprocess-changed: the fingerprint of the content that succeeded (fingerprintText). */
  f?: string;
  /** The item's version within the pass, when it changed since it was first done (absent: 0). */
  v?: number;
}

export interface FailRecord {
  t: "fail";
  id: string;
  kind: FailureKind;
  error: string;
  attempts: number;
  runs: number;
  first: string;
  last: string;
  item: unknown;
  /** The item's JSON exactly as the input wrote it, when `item` re-serialised would differ (Item.raw). */
  raw?: string;
  shard?: string;
  /** As in DoneRecord: the fingerprint of the content that failed, and the item's version. */
  f?: string;
  v?: number;
}

export interface EndRecord {
  t: "end";
  seq: number;
  at: string;
  succeeded: number;
  failed: number;
  stopReason: StopReason;
  /** Items in the source and items a next run would attempt, as this run ended. */
  total?: number;
  remaining?: number;
  /** Items this run found changed since they were done (reprocess-changed). */
  changed?: number;
}

const DONE_HEAD = Buffer.from('{"t":"done","id":"', "latin1");
const DONE_TAIL = Buffer.from('"}\n', "latin1");

/**
 * Appends a done record: as bytes straight into the journal's buffer when the id allows
 * (line-bytes.ts), else as doneLine's string; the same bytes either way. The per-item hot path.
 */
export function appendDoneLine(journal: JournalWriter, id: string): void {
  const start = journal.room(DONE_HEAD.length + id.length + DONE_TAIL.length);
  if (start !== -1) {
    const bytes = journal.bytes;
    const end = putPlainJsonChars(bytes, putBytes(bytes, start, DONE_HEAD), id);
    if (end !== -1) return journal.wrote(putBytes(bytes, end, DONE_TAIL));
  }
  journal.append(doneLine(id));
}

/** Serialises a done record without JSON.stringify of an object. */
export function doneLine(id: string): string {
  // An id JSON.stringify would leave as it is (no quote, backslash, control character or
  // surrogate) is quoted by hand: the scan costs less than the call, per item.
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return '{"t":"done","id":' + JSON.stringify(id) + "}\n";
  }
  return '{"t":"done","id":"' + id + '"}\n';
}

/** A done record with a fingerprint (reprocess-changed) and a version when it is not 0. */
export function doneLineWithFingerprint(id: string, fingerprint: string, version: number): string {
  const line = doneLine(id);
  return line.slice(0, -2) + ',"f":"' + fingerprint + '"' + (version === 0 ? "" : ',"v":' + version) + "}\n";
}

export function recordLine(record: JournalRecord): string {
  return JSON.stringify(record) + "\n";
}
