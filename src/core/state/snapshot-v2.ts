import type { BatchState } from "./batch-state.js";
import { StateError } from "../platform/errors.js";
import { addPlainDoneLine } from "./done-line.js";
import { forEachLineBytes, writeFileInPieces } from "./line-file.js";
import { checkFailure, checkId, checkOrigin, checkRun, isObject, SchemaViolation } from "./state-schema.js";
import {
  applyFingerprintsLine,
  fingerprintsLine,
  applyFailureFingerprint,
  applyPassHeader,
  applyVersionsLine,
  checkPassSummary,
  failureFingerprint,
  passHeaderOf,
  versionLines,
} from "./pass-snapshot.js";

export const SNAPSHOT_FORMAT = "resumable-batch-state";
export const SNAPSHOT_VERSION = 2;
/** How every version-2 snapshot starts: readers tell the versions apart by these bytes. */
export const SNAPSHOT_V2_PREFIX = '{"t":"snapshot",';
/** A line of done ids holds about this many characters: one JSON.parse per line stays cheap. */
const DONE_LINE_CHARS = 64 * 1024;

/**
 * Snapshot version 2: JSON Lines, one record a line, each tagged by `t`, so no line is
 * larger than its largest record and the file is written and read a line at a time:
 *
 *   {"t":"snapshot","format":"resumable-batch-state","version":2,"generation":G,"origin":{…},"savedAt":"…","doneCount":D}
 *   {"t":"run", …RunRecord}            one per run kept (oldest first)
 *   {"t":"failure", …FailureRecord}    one per failed item
 *   {"t":"done","ids":["a","b",…]}     done ids, about 64 KiB of them a line
 *   {"t":"pass", …} {"t":"versions", …} {"t":"fingerprints", …}  passes, item versions and
 *                                      the fingerprints of the done line before (pass-snapshot.ts)
 *   {"t":"end","runs":R,"failures":F,"done":D,"passes":P,"versions":V}
 *
 * The first line comes first; the end line comes last and counts what came before it, so
 * a truncated copy is refused, never taken for a smaller state. A new kind of record is a
 * new tag: write it before the end line, read it in applyRecord, count it in the end line.
 */
export function writeSnapshotV2(path: string, state: BatchState, generation: number, savedAt: string): number {
  return writeFileInPieces(path, (write, writeBytes) => {
    // doneCount lets a reader size its table once (the end line is what is checked).
    const header = {
      t: "snapshot",
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      generation,
      origin: state.origin,
      savedAt,
      doneCount: state.doneCount,
      ...passHeaderOf(state),
    };
    write(JSON.stringify(header) + "\n");
    for (const run of state.runs) write(JSON.stringify({ t: "run", ...run }) + "\n");
    for (const pass of state.passes) write(JSON.stringify({ t: "pass", ...pass }) + "\n");
    for (const line of versionLines(state)) write(line + "\n");
    for (const failure of state.failures.values())
      write(JSON.stringify({ t: "failure", ...failure, ...failureFingerprint(state, failure.id) }) + "\n");
    writeDoneLines(state, write, writeBytes);
    const end = {
      t: "end",
      runs: state.runs.length,
      failures: state.failures.size,
      done: state.doneCount,
      ...(state.passes.length > 0 ? { passes: state.passes.length } : {}),
      ...(state.versions.size > 0 ? { versions: state.versions.size } : {}),
    };
    write(JSON.stringify(end) + "\n");
  });
}

/** The done ids, about DONE_LINE_CHARS of them a line (with reprocess-changed, each line's fingerprints after it). */
function writeDoneLines(state: BatchState, write: (text: string) => void, writeBytes: (bytes: Uint8Array) => void): void {
  let chunk: string[] = [];
  // reprocess-changed: the fingerprints of the chunk's ids, in the same order.
  const withFingerprints = state.fingerprints.any;
  let values: number[] = [];
  let chunkChars = 0;
  const flushIds = () => {
    if (chunk.length === 0) return;
    write('{"t":"done","ids":' + JSON.stringify(chunk) + "}\n");
    // A line of its own, so the done line keeps the plain form that loads fastest.
    if (withFingerprints) write(fingerprintsLine(values) + "\n");
    chunk = [];
    values = [];
    chunkChars = 0;
  };
  const add = (id: string, value: number) => {
    chunk.push(id);
    if (withFingerprints) values.push(value);
    chunkChars += id.length + 3;
    if (chunkChars >= DONE_LINE_CHARS) flushIds();
  };
  if (withFingerprints) for (const [id, value] of state.done.withValues()) add(id, value);
  else for (const id of state.done) add(id, 0);
  if (withFingerprints) {
    const thisRun = state.fingerprints.thisRun;
    let i = 0;
    for (const id of state.doneThisRun) add(id, thisRun[i++] ?? 0);
    flushIds();
  } else {
    // This run's ids straight from the list's bytes: no string per id, no JSON.stringify
    // of an array of them (a tenth of a 1M no-op run's time, at its end). The first of
    // their lines goes on with the earlier ids not yet written.
    let earlier = chunk.length === 0 ? "" : JSON.stringify(chunk).slice(1, -1) + ",";
    const firstMaxBytes = DONE_LINE_CHARS - chunkChars;
    chunk = [];
    state.doneThisRun.forEachJsonList(DONE_LINE_CHARS, firstMaxBytes, (list) => {
      write('{"t":"done","ids":[' + earlier);
      earlier = "";
      writeBytes(list);
      write("]}\n");
    });
    if (earlier !== "") write('{"t":"done","ids":[' + earlier.slice(0, -1) + "]}\n");
  }
}

interface Counts {
  runs: number;
  failures: number;
  done: number;
  passes: number;
  versions: number;
}

/** Reads a version-2 snapshot into state (which must be empty); returns its generation. */
export function readSnapshotV2(path: string, state: BatchState, fileBytes: number): number {
  let generation = -1;
  let ended = false;
  const seen: Counts = { runs: 0, failures: 0, done: 0, passes: 0, versions: 0 };
  let hasPass = false;
  /** The entries the last done line added, for the fingerprints line after it. */
  const lastDone: DoneLineEntries = { from: 0, count: -1 };
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  forEachLineBytes(path, (bytes, start, end, lineNumber, terminated) => {
    const where = `${path}:${lineNumber}`;
    if (!terminated) throw new StateError(`${where}: the last line is cut off; the snapshot is truncated`);
    if (ended) throw new StateError(`${where}: a line after the end record; the snapshot is corrupt`);
    if (lineNumber > 1) {
      const before = state.done.entryCount;
      const added = addPlainDoneLine(bytes, start, end, state.done);
      if (added >= 0) {
        seen.done += added;
        noteDoneEntries(lastDone, state, before, added);
        return;
      }
    }
    let line: string;
    try {
      line = decoder.decode(bytes.subarray(start, end));
    } catch {
      throw new StateError(`${where}: not valid UTF-8; the snapshot is corrupt`);
    }
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new StateError(`${where}: not readable JSON (${(error as Error).message}); the snapshot is corrupt`);
    }
    try {
      if (!isObject(record)) throw new SchemaViolation("a line must be a JSON object");
      if (lineNumber === 1) {
        generation = applyHeader(record, state, fileBytes);
        hasPass = applyPassHeader(record, state);
      } else if (record.t === "end") {
        checkEnd(record, seen);
        ended = true;
      } else applyRecord(record, state, seen, lastDone);
    } catch (error) {
      if (error instanceof SchemaViolation) throw new StateError(`${where}: ${error.message}`);
      throw error;
    }
  });
  if (generation < 0) throw new StateError(`${path}: empty; the snapshot is corrupt`);
  if (!ended) throw new StateError(`${path}: no end record; the snapshot is truncated`);
  if (!hasPass) state.adoptLegacyPass();
  return generation;
}

function applyHeader(r: Record<string, unknown>, state: BatchState, fileBytes: number): number {
  if (r.t !== "snapshot" || r.format !== SNAPSHOT_FORMAT) throw new SchemaViolation("not a resumable-batch state snapshot");
  if (r.version !== SNAPSHOT_VERSION) {
    throw new SchemaViolation(`state version ${String(r.version)} is not supported (this release reads versions 1 and ${SNAPSHOT_VERSION})`);
  }
  const generation = r.generation;
  if (typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 0) throw new SchemaViolation("bad generation");
  state.origin = checkOrigin(r.origin);
  // A hint, bounded by what the file can hold (an id takes at least 3 bytes: "a",).
  const doneCount = r.doneCount;
  if (typeof doneCount === "number" && Number.isSafeInteger(doneCount) && doneCount > 0) state.done.reserve(Math.min(doneCount, fileBytes / 3));
  return generation;
}

/** Entries [from, from + count) of the done set came from the last done line (count -1: unknown). */
interface DoneLineEntries {
  from: number;
  count: number;
}

/** Remembers which entries a done line added: only when each of its ids made one (no repeat, no ill-formed id). */
function noteDoneEntries(lastDone: DoneLineEntries, state: BatchState, before: number, ids: number): void {
  lastDone.from = before;
  lastDone.count = state.done.entryCount - before === ids ? ids : -1;
}

function applyRecord(r: Record<string, unknown>, state: BatchState, seen: Counts, lastDone: DoneLineEntries): void {
  switch (r.t) {
    case "done": {
      const ids = r.ids;
      if (!Array.isArray(ids)) throw new SchemaViolation("'ids' must be an array");
      const before = state.done.entryCount;
      for (const id of ids) state.done.add(checkId(id));
      seen.done += ids.length;
      noteDoneEntries(lastDone, state, before, ids.length);
      return;
    }
    case "fingerprints":
      applyFingerprintsLine(r, lastDone.from, lastDone.count, state);
      lastDone.count = -1;
      return;
    case "pass":
      state.passes.push(checkPassSummary(r));
      seen.passes++;
      return;
    case "versions":
      seen.versions += applyVersionsLine(r, state);
      return;
    case "failure": {
      const f = checkFailure(r);
      applyFailureFingerprint(r, f.id, state);
      state.failures.set(f.id, f);
      seen.failures++;
      return;
    }
    case "run":
      state.runs.push(checkRun(r));
      seen.runs++;
      return;
    default:
      throw new SchemaViolation(`unknown record type ${JSON.stringify(r.t) ?? "(none)"} (written by a newer release?)`);
  }
}

function checkEnd(r: Record<string, unknown>, seen: Counts): void {
  for (const key of ["runs", "failures", "done", "passes", "versions"] as const) {
    // Snapshots written before passes count no passes or versions (and hold none).
    if (r[key] === undefined && (key === "passes" || key === "versions") && seen[key] === 0) continue;
    if (r[key] !== seen[key])
      throw new SchemaViolation(`the end record counts ${String(r[key])} ${key}, the snapshot holds ${seen[key]}; it is corrupt`);
  }
}
