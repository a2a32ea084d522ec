import { readFileSync } from "node:fs";
import type { BatchState } from "./batch-state.js";
import { StateError } from "../platform/errors.js";
import { checkFailure, checkId, checkOrigin, checkRun, isObject, SchemaViolation } from "./state-schema.js";
import { SNAPSHOT_FORMAT } from "./snapshot-v2.js";

/**
 * Reads a version-1 snapshot: one JSON object, `{…header…,"done":[…]}`, as releases before
 * version 2 wrote it. Kept so states saved by those releases (in a cache entry or an
 * artifact) still restore; the next compaction rewrites them as version 2. A version-1
 * file was built as one string, so it is below V8's string limit and may be read whole.
 */
export function readSnapshotV1(path: string, state: BatchState): number {
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
  if (!isObject(parsed) || parsed.format !== SNAPSHOT_FORMAT) throw new StateError(`${path}: not a resumable-batch state snapshot`);
  if (parsed.version !== 1) {
    throw new StateError(`${path}: state version ${String(parsed.version)} is not supported (this release reads versions 1 and 2)`);
  }
  try {
    return applyV1(parsed, inParts?.done, state);
  } catch (error) {
    if (error instanceof SchemaViolation) throw new StateError(`${path}: ${error.message}`);
    throw error;
  }
}

function applyV1(s: Record<string, unknown>, doneInParts: unknown[][] | undefined, state: BatchState): number {
  const generation = s.generation;
  if (typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 0) throw new SchemaViolation("bad generation");
  if (!(doneInParts !== undefined || Array.isArray(s.done)) || !Array.isArray(s.failures) || !Array.isArray(s.runs)) {
    throw new SchemaViolation("missing done, failures or runs");
  }
  state.origin = checkOrigin(s.origin);
  const parts = doneInParts ?? [s.done as unknown[]];
  state.done.reserve(parts.reduce((sum, ids) => sum + ids.length, 0));
  for (const ids of parts) {
    for (const id of ids) state.done.add(checkId(id));
  }
  for (const f of s.failures as unknown[]) {
    if (!isObject(f)) throw new SchemaViolation("a failure record is not an object");
    const failure = checkFailure(f);
    state.failures.set(failure.id, failure);
  }
  for (const r of s.runs as unknown[]) {
    if (!isObject(r)) throw new SchemaViolation("a run record is not an object");
    state.runs.push(checkRun(r));
  }
  // Version 1 was written before passes: pass 1.
  state.adoptLegacyPass();
  return generation;
}

/** How version 1 ends a snapshot: the done ids, last, as one array. */
const DONE_MEMBER = Buffer.from(',"done":[');
/** Between two done ids: the end of one string, a comma, the start of the next. */
const BETWEEN_IDS = Buffer.from('","');
const DONE_SLICE_BYTES = 256 * 1024;

/**
 * Parses a version-1 snapshot — `{…header…,"done":[…]}` — without a string of the whole
 * file or one array of every id. The header is parsed alone, the ids in slices of about
 * 256 KiB cut between two ids. Gives the same values as JSON.parse of the whole file, or
 * undefined (JSON.parse then decides, and words the error): a header that parses as an
 * object with a member means the whole is that object plus the done member (JSON.parse
 * keeps the last of duplicate keys), and each slice that parses is a run of the array's
 * elements, because a cut inside a string would leave that slice's last string open. The
 * cuts and ends are ASCII, so no UTF-8 sequence is split.
 */
function parseSnapshotInParts(bytes: Buffer): { header: Record<string, unknown>; done: unknown[][] } | undefined {
  const member = bytes.lastIndexOf(DONE_MEMBER);
  if (member === -1) return undefined;
  let end = bytes.length;
  while (end > 0 && isJsonWhitespace(bytes[end - 1]!)) end--;
  const arrayEnd = end - 2; // the array's ']', then the object's '}'
  const elementsStart = member + DONE_MEMBER.length;
  if (arrayEnd < elementsStart || bytes[arrayEnd] !== 0x5d || bytes[arrayEnd + 1] !== 0x7d) return undefined;
  const header = parseOrUndefined(bytes.toString("utf8", 0, member) + "}");
  if (!isObject(header) || Object.keys(header).length === 0) return undefined;
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
