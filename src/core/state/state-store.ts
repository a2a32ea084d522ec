import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { BatchState } from "./batch-state.js";
import { ConfigError, StateError } from "../platform/errors.js";
import type { JournalRecord } from "./journal-records.js";
import type { FailureKind, FailureRecord, RunRecord } from "../platform/types.js";

/**
 * The state folder:
 *   snapshot.json           compacted state of generation G (absent before the first compaction)
 *   journal-<G>.jsonl       records appended since snapshot G, one JSON object a line
 *   failures.json           the reviewable failures, regenerated from state
 *   lock                    present while a run uses the folder
 * A compaction writes snapshot G+1 (tmp + rename, atomic), then appends go to
 * journal-<G+1>.jsonl and journal-<G>.jsonl is deleted. A crash at any point leaves a
 * snapshot and the one journal that follows it, so nothing is lost or replayed twice.
 */
export const SNAPSHOT_FILE = "snapshot.json";
export const FAILURES_FILE = "failures.json";
export const LOCK_FILE = "lock";
const SNAPSHOT_FORMAT = "resumable-batch-state";
const SNAPSHOT_VERSION = 1;
const JOURNAL_PATTERN = /^journal-(\d+)\.jsonl$/;
const FAILURE_KINDS: ReadonlySet<string> = new Set<FailureKind>(["transient", "permanent", "timeout", "quarantined"]);

export function journalFileName(generation: number): string {
  return `journal-${generation}.jsonl`;
}

export interface LoadedState {
  state: BatchState;
  generation: number;
  /** Bytes in the journal replayed on top of the snapshot: large means compact soon. */
  journalBytes: number;
  /** Things worth telling the user (a torn last line, corrupt lines skipped). */
  warnings: string[];
}

/** Loads snapshot + journal. Throws StateError when the folder cannot be trusted. */
export function loadState(dir: string): LoadedState {
  const state = new BatchState();
  const warnings: string[] = [];
  if (!existsSync(dir)) return { state, generation: 0, journalBytes: 0, warnings };
  let generation = 0;
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  if (existsSync(snapshotPath)) generation = readSnapshot(snapshotPath, state);

  let journalBytes = 0;
  for (const name of readdirSync(dir)) {
    const m = JOURNAL_PATTERN.exec(name);
    if (!m) continue;
    const g = Number(m[1]);
    if (g > generation) {
      throw new StateError(`${join(dir, name)}: journal generation ${g} is newer than the snapshot's (${generation}); the state folder is inconsistent`);
    }
    if (g < generation) rmSync(join(dir, name), { force: true }); // already compacted into the snapshot
  }
  const journalPath = join(dir, journalFileName(generation));
  if (existsSync(journalPath)) {
    const text = readFileSync(journalPath, "utf8");
    journalBytes = Buffer.byteLength(text);
    replayJournalText(text, state, journalPath, warnings);
  }
  return { state, generation, journalBytes, warnings };
}

/**
 * Replays journal text into state. A last line without its newline is a write torn by a
 * kill: ignored. A bad line in the middle is skipped with a warning: the rest still counts.
 */
export function replayJournalText(text: string, state: BatchState, where: string, warnings: string[]): number {
  let applied = 0;
  let start = 0;
  let lineNumber = 0;
  const badLines: number[] = [];
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    const torn = end === -1;
    if (torn) end = text.length;
    lineNumber++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    let record: JournalRecord | undefined;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      record = undefined;
    }
    if (record && isJournalRecord(record)) {
      state.apply(record);
      applied++;
    } else if (torn) {
      warnings.push(`${where}:${lineNumber}: ignored a torn last line (the previous run was killed mid-write)`);
    } else {
      badLines.push(lineNumber);
    }
  }
  if (badLines.length > 0) {
    warnings.push(`${where}: skipped ${badLines.length} unreadable line(s): ${badLines.slice(0, 10).join(", ")}${badLines.length > 10 ? ", …" : ""}`);
  }
  return applied;
}

function isJournalRecord(r: unknown): r is JournalRecord {
  if (typeof r !== "object" || r === null) return false;
  const rec = r as Record<string, unknown>;
  switch (rec.t) {
    case "done":
      return typeof rec.id === "string";
    case "fail":
      return typeof rec.id === "string" && typeof rec.kind === "string" && FAILURE_KINDS.has(rec.kind) &&
        typeof rec.error === "string" && typeof rec.attempts === "number";
    case "start":
    case "end":
      return typeof rec.seq === "number";
    default:
      return false;
  }
}

interface SnapshotFile {
  format: string;
  version: number;
  generation: number;
  origin: { seq: number; runId: string; runAttempt: number };
  savedAt: string;
  runs: RunRecord[];
  failures: FailureRecord[];
  done: string[];
}

function readSnapshot(path: string, state: BatchState): number {
  const bytes = readFileSync(path);
  const inParts = parseSnapshotInParts(bytes);
  let parsed: unknown = inParts?.header;
  if (inParts === undefined) {
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new StateError(`${path}: not readable JSON (${(error as Error).message}); the file is truncated or corrupt`);
    }
  }
  const s = parsed as Partial<SnapshotFile>;
  if (typeof s !== "object" || s === null || s.format !== SNAPSHOT_FORMAT) {
    throw new StateError(`${path}: not a resumable-batch state snapshot`);
  }
  if (s.version !== SNAPSHOT_VERSION) {
    throw new StateError(`${path}: state version ${String(s.version)} is not supported (this release reads version ${SNAPSHOT_VERSION})`);
  }
  if (!Number.isInteger(s.generation) || (s.generation as number) < 0) throw new StateError(`${path}: bad generation`);
  if (!(inParts !== undefined || Array.isArray(s.done)) || !Array.isArray(s.failures) || !Array.isArray(s.runs)) {
    throw new StateError(`${path}: missing done, failures or runs`);
  }
  const origin = s.origin;
  if (!origin || typeof origin.seq !== "number" || typeof origin.runId !== "string") throw new StateError(`${path}: bad origin`);
  for (const ids of inParts?.done ?? [s.done as unknown[]]) {
    for (const id of ids) {
      if (typeof id !== "string") throw new StateError(`${path}: a done id is not a string`);
      state.done.add(id);
    }
  }
  for (const f of s.failures) {
    if (typeof f !== "object" || f === null || typeof f.id !== "string" || !FAILURE_KINDS.has(f.kind) ||
        typeof f.error !== "string" || typeof f.attempts !== "number") {
      throw new StateError(`${path}: a failure record is malformed`);
    }
    state.failures.set(f.id, { ...f, runs: typeof f.runs === "number" ? f.runs : 1 });
  }
  state.runs = s.runs.filter((r) => typeof r === "object" && r !== null && typeof r.seq === "number");
  state.origin = { seq: origin.seq, runId: origin.runId, runAttempt: Number(origin.runAttempt) || 0 };
  return s.generation as number;
}

/** How compactState ends a snapshot: the done ids, last, as one array. */
const DONE_MEMBER = Buffer.from(',"done":[');
/** Between two done ids: the end of one string, a comma, the start of the next. */
const BETWEEN_IDS = Buffer.from('","');
const DONE_SLICE_BYTES = 256 * 1024;

/**
 * Parses a snapshot shaped as compactState writes it — `{…header…,"done":[…]}` — without
 * a string of the whole file or one array of every id: at a million ids those two were a
 * third of a resume's peak memory. The header is parsed alone, the ids in slices of about
 * 256 KiB cut between two ids. Gives the same values as JSON.parse of the whole file, or
 * undefined (JSON.parse then decides, and words the error): a header that parses as an
 * object with a member means the whole is that object plus the done member (JSON.parse
 * keeps the last of duplicate keys), and each slice that parses is a run of the array's
 * elements, because a cut inside a string would leave that slice's last string open. The
 * cuts and ends are ASCII, so no UTF-8 sequence is split.
 */
function parseSnapshotInParts(bytes: Buffer): { header: object; done: unknown[][] } | undefined {
  const member = bytes.lastIndexOf(DONE_MEMBER);
  if (member === -1) return undefined;
  let end = bytes.length;
  while (end > 0 && isJsonWhitespace(bytes[end - 1]!)) end--;
  const arrayEnd = end - 2; // the array's ']', then the object's '}'
  const elementsStart = member + DONE_MEMBER.length;
  if (arrayEnd < elementsStart || bytes[arrayEnd] !== 0x5d || bytes[arrayEnd + 1] !== 0x7d) return undefined;
  const header = parseOrUndefined(bytes.toString("utf8", 0, member) + "}");
  if (typeof header !== "object" || header === null || Array.isArray(header) || Object.keys(header).length === 0) return undefined;
  const done: unknown[][] = [];
  for (let start = elementsStart; start < arrayEnd;) {
    let cut = arrayEnd;
    if (start + DONE_SLICE_BYTES < arrayEnd) {
      const between = bytes.indexOf(BETWEEN_IDS, start + DONE_SLICE_BYTES);
      if (between !== -1 && between < arrayEnd) cut = between + 1;
    }
    const ids = parseOrUndefined("[" + bytes.toString("utf8", start, cut) + "]");
    if (!Array.isArray(ids)) return undefined;
    done.push(ids);
    start = cut + 1;
  }
  return { header, done };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Writes state as snapshot generation+1 and removes the journal it absorbs.
 * Returns the new generation; later appends go to journal-<new>.jsonl.
 */
export function compactState(dir: string, state: BatchState, generation: number, nowIso: string): number {
  mkdirSync(dir, { recursive: true });
  const next = generation + 1;
  const header: Omit<SnapshotFile, "done"> = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    generation: next,
    origin: state.origin,
    savedAt: nowIso,
    runs: state.runs,
    failures: [...state.failures.values()],
  };
  // The done ids go last as one JSON array: one JSON.parse of one array is what makes
  // loading a million finished items fast (a line per id would be parsed a line at a time).
  const headerJson = JSON.stringify(header);
  const done = state.done.size === 0 ? state.doneThisRun : [...state.done, ...state.doneThisRun];
  const text = headerJson.slice(0, -1) + ',"done":' + JSON.stringify(done) + "}\n";
  writeFileAtomic(join(dir, SNAPSHOT_FILE), text);
  rmSync(join(dir, journalFileName(generation)), { force: true });
  return next;
}

/** Writes via a temp file, fsync and rename, so a reader sees the old file or the new one. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * An exclusive lock on the state folder, so two local runs cannot interleave journals.
 * A lock left by a dead process (or restored from another machine) is taken over.
 */
export function acquireLock(dir: string): { release(): void; tookOverFrom?: string } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() });
  let tookOverFrom: string | undefined;
  try {
    writeFileSync(path, mine, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    let holder: { pid?: number; host?: string } = {};
    try {
      holder = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      holder = {};
    }
    if (holder.host === hostname() && typeof holder.pid === "number" && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new ConfigError(`state folder ${dir} is in use by another run (pid ${holder.pid}); wait for it to finish, or use another --state-dir`);
    }
    tookOverFrom = `pid ${holder.pid ?? "?"} on ${holder.host ?? "?"}`;
    writeFileSync(path, mine);
  }
  return {
    tookOverFrom,
    release() {
      rmSync(path, { force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Size of a file, or 0 when it does not exist. */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
