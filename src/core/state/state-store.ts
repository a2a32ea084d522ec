import { closeSync, existsSync, openSync, readdirSync, readSync, rmSync, statSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { BatchState } from "./batch-state.js";
import { ConfigError, StateError } from "../platform/errors.js";
import type { JournalRecord } from "./journal-records.js";
import { forEachLine, writeFileInPieces } from "./line-file.js";
import { readSnapshotV1 } from "./snapshot-v1.js";
import { readSnapshotV2, SNAPSHOT_V2_PREFIX, writeSnapshotV2 } from "./snapshot-v2.js";
import { checkJournalRecord, isObject, SchemaViolation } from "./state-schema.js";

export { acquireLock, LOCK_FILE } from "./state-lock.js";

/**
 * The state folder:
 *   snapshot.json           compacted state of generation G (absent before the first compaction)
 *   journal-<G>.jsonl       records appended since snapshot G, one JSON object a line
 *   failures.json           the reviewable failures, regenerated from state
 *   lock                    present while a run uses the folder
 * A compaction writes snapshot G+1 (tmp + rename, atomic), then appends go to
 * journal-<G+1>.jsonl and journal-<G>.jsonl is deleted. A crash at any point leaves a
 * snapshot and the one journal that follows it, so nothing is lost or replayed twice.
 * No file is ever built or parsed as one string (snapshot-v2.ts, line-file.ts): a state
 * may grow past the largest string V8 can hold (about 512 MiB).
 */
export const SNAPSHOT_FILE = "snapshot.json";
export const FAILURES_FILE = "failures.json";
const JOURNAL_PATTERN = /^journal-(\d+)\.jsonl$/;

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

/** True when the folder holds a snapshot or a journal: something a run left. */
export function stateExists(dir: string): boolean {
  try {
    return readdirSync(dir).some((n) => n === SNAPSHOT_FILE || JOURNAL_PATTERN.test(n));
  } catch {
    return false;
  }
}

/**
 * Loads a folder a command only reads (status, failures, report): a folder that holds no
 * state is a mistake (a typo in --state-dir), never an empty result.
 */
export function requireState(dir: string, setting = "--state-dir"): LoadedState {
  if (!stateExists(dir)) {
    throw new ConfigError(`no state in ${dir}: no ${SNAPSHOT_FILE} or journal there (check ${setting}; a run creates it)`);
  }
  return loadState(dir);
}

/**
 * Loads snapshot + journal, checking every record against the schema the engine relies on
 * (state-schema.ts). Read-only: nothing in the folder changes (status and failures may
 * look at a folder a run is using). Throws StateError when the folder cannot be trusted.
 */
export function loadState(dir: string): LoadedState {
  const state = new BatchState();
  const warnings: string[] = [];
  if (!existsSync(dir)) return { state, generation: 0, journalBytes: 0, warnings };
  let generation = 0;
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  if (existsSync(snapshotPath)) generation = readSnapshot(snapshotPath, state);

  for (const name of readdirSync(dir)) {
    const m = JOURNAL_PATTERN.exec(name);
    if (!m) continue;
    const g = Number(m[1]);
    if (g > generation) {
      throw new StateError(
        `${join(dir, name)}: journal generation ${g} is newer than the snapshot's (${generation}); the state folder is inconsistent`,
      );
    }
    // g < generation: already absorbed by the snapshot (a crash after compaction); the next compaction removes it.
  }
  const journalPath = join(dir, journalFileName(generation));
  let journalBytes = 0;
  if (existsSync(journalPath)) {
    const replay = new JournalReplay(state, journalPath, warnings);
    journalBytes = forEachLine(journalPath, (line, n, terminated) => replay.line(line, n, terminated));
    replay.finish();
  }
  return { state, generation, journalBytes, warnings };
}

/** Reads a snapshot of either version: version 2 starts with its tagged header line. */
function readSnapshot(path: string, state: BatchState): number {
  const head = Buffer.alloc(SNAPSHOT_V2_PREFIX.length);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n === head.length && head.toString("latin1") === SNAPSHOT_V2_PREFIX) return readSnapshotV2(path, state, fstatSize(path));
  return readSnapshotV1(path, state);
}

/**
 * Replays journal lines into state, one at a time. A last line without its newline is a
 * write torn by a kill: ignored. A line in the middle that is not JSON (a torn write that
 * a later run appended after) is skipped with a warning: the rest still counts. A line
 * that is JSON but not a valid record was not written by a run: the state is refused.
 */
class JournalReplay {
  applied = 0;
  private readonly badLines: number[] = [];

  constructor(
    private readonly state: BatchState,
    private readonly where: string,
    private readonly warnings: string[],
  ) {}

  line(text: string, lineNumber: number, terminated: boolean): void {
    if (text.length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed)) {
      if (!terminated) this.warnings.push(`${this.where}:${lineNumber}: ignored a torn last line (the previous run was killed mid-write)`);
      else this.badLines.push(lineNumber);
      return;
    }
    // The hot path: a done record needs no copy.
    if (
      parsed.t === "done" &&
      typeof parsed.id === "string" &&
      parsed.id !== "" &&
      parsed.f === undefined &&
      parsed.v === undefined &&
      this.state.versions.size === 0
    ) {
      this.state.markDone(parsed.id);
      this.applied++;
      return;
    }
    let record: JournalRecord;
    try {
      record = checkJournalRecord(parsed);
    } catch (error) {
      if (!(error instanceof SchemaViolation)) throw error;
      if (!terminated) {
        this.warnings.push(`${this.where}:${lineNumber}: ignored a torn last line (the previous run was killed mid-write)`);
        return;
      }
      throw new StateError(`${this.where}:${lineNumber}: ${error.message}; the journal was not written by a run`);
    }
    this.state.apply(record);
    this.applied++;
  }

  finish(): void {
    const bad = this.badLines;
    if (bad.length > 0) {
      this.warnings.push(`${this.where}: skipped ${bad.length} unreadable line(s): ${bad.slice(0, 10).join(", ")}${bad.length > 10 ? ", …" : ""}`);
    }
  }
}

/** Replays journal text into state (for tests and small inputs; loadState streams the file). */
export function replayJournalText(text: string, state: BatchState, where: string, warnings: string[]): number {
  const replay = new JournalReplay(state, where, warnings);
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl;
    replay.line(text.slice(start, end), ++lineNumber, nl !== -1);
    start = end + 1;
  }
  replay.finish();
  return replay.applied;
}

/**
 * Writes state as snapshot generation+1 (version 2, streamed) and removes the journals it
 * absorbs. Returns the new generation; later appends go to journal-<new>.jsonl.
 */
export function compactState(dir: string, state: BatchState, generation: number, nowIso: string): number {
  mkdirSync(dir, { recursive: true });
  const next = generation + 1;
  writeSnapshotV2(join(dir, SNAPSHOT_FILE), state, next, nowIso);
  for (const name of readdirSync(dir)) {
    const m = JOURNAL_PATTERN.exec(name);
    if (m && Number(m[1]) <= generation) rmSync(join(dir, name), { force: true });
  }
  return next;
}

/** Writes via a temp file, fsync and rename, so a reader sees the old file or the new one. */
export function writeFileAtomic(path: string, text: string): void {
  writeFileInPieces(path, (write) => write(text));
}

function fstatSize(path: string): number {
  return statSync(path).size;
}
