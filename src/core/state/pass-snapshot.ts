import type { BatchState } from "./batch-state.js";
import { decodeFingerprintColumn, encodeFingerprintColumn, fingerprintText, parseFingerprintText } from "./fingerprint.js";
import type { PassSummary } from "../platform/types.js";
import { isObject, SchemaViolation } from "./state-schema.js";

/**
 * What a snapshot (version 2) keeps of passes and item versions:
 *
 *   header      "pass", "passStartedAt", "passCompletedAt", "repeatMs" beside the others
 *   {"t":"pass", …PassSummary}           one per finished pass (the history), oldest first
 *   {"t":"versions","items":[[id,v],…]}  items whose version is not 0 (they changed in the pass)
 *   {"t":"fingerprints","f":…}  after a done line: its ids' fingerprints (reprocess-changed), 8 base64url
 *               characters an id in the same order; "AAAAAAAA" for none. One column of
 *               fixed-width values compresses to about the 6 bytes of entropy each holds.
 *   failure lines  "f": the failed item's fingerprint
 *
 * A snapshot without "pass" in its header was written before passes: it is pass 1
 * (BatchState.adoptLegacyPass, once its runs are read).
 */
export interface PassHeader {
  pass?: number;
  passStartedAt?: string;
  passCompletedAt?: string;
  repeatMs?: number;
}

export function passHeaderOf(state: BatchState): PassHeader {
  return {
    pass: state.pass,
    ...(state.passStartedAt === undefined ? {} : { passStartedAt: state.passStartedAt }),
    ...(state.passCompletedAt === undefined ? {} : { passCompletedAt: state.passCompletedAt }),
    ...(state.repeatMs === undefined ? {} : { repeatMs: state.repeatMs }),
  };
}

/** Applies the header's pass fields; false when it has none (a state from before passes). */
export function applyPassHeader(r: Record<string, unknown>, state: BatchState): boolean {
  if (r.pass === undefined) return false;
  if (typeof r.pass !== "number" || !Number.isSafeInteger(r.pass) || r.pass < 1)
    throw new SchemaViolation(`'pass' must be a whole number from 1, not ${String(r.pass)}`);
  state.pass = r.pass;
  state.passStartedAt = optionalTime(r, "passStartedAt");
  state.passCompletedAt = optionalTime(r, "passCompletedAt");
  if (r.repeatMs !== undefined && (typeof r.repeatMs !== "number" || !(r.repeatMs > 0)))
    throw new SchemaViolation("'repeatMs' must be a positive number");
  state.repeatMs = r.repeatMs as number | undefined;
  return true;
}

function optionalTime(r: Record<string, unknown>, key: string): string | undefined {
  const v = r[key];
  if (v === undefined) return undefined;
  // As checkRun reads startedAt: the text is shown, never computed with, if it is not a time.
  if (typeof v !== "string" || v === "" || v.length > 100) throw new SchemaViolation(`'${key}' must be an ISO time`);
  return v;
}

/** A finished pass as the history line stores it. */
export function checkPassSummary(r: Record<string, unknown>): PassSummary {
  const whole = (key: string, min: number): number => {
    const v = r[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new SchemaViolation(`'${key}' must be a whole number from ${min}`);
    return v;
  };
  const startedAt = optionalTime(r, "startedAt");
  const completedAt = optionalTime(r, "completedAt");
  return {
    pass: whole("pass", 1),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(completedAt === undefined ? {} : { completedAt }),
    succeeded: whole("succeeded", 0),
    failed: whole("failed", 0),
    runs: whole("runs", 0),
  };
}

/** The fingerprints of the done line just written: one per id, in order (0: none). */
export function fingerprintsLine(values: readonly number[]): string {
  return '{"t":"fingerprints","f":"' + encodeFingerprintColumn(values) + '"}';
}

/**
 * Applies a fingerprints line to the done entries of the line before it. When those
 * entries are not known one-to-one (a repeated or ill-formed id), the fingerprints are
 * left out: those items take their content at the next run as their baseline.
 */
export function applyFingerprintsLine(r: Record<string, unknown>, from: number, count: number, state: BatchState): void {
  if (typeof r.f !== "string" || r.f.length % 8 !== 0 || !/^[A-Za-z0-9_-]*$/.test(r.f)) {
    throw new SchemaViolation("'f' must hold 8 base64url characters per done id");
  }
  if (count < 0 || r.f.length !== 8 * count) return;
  const values = decodeFingerprintColumn(r.f, count);
  for (let i = 0; i < count; i++) if (values[i] !== 0) state.done.setValueAt(from + i, values[i]!);
}

/** The fingerprint a failure line carries, as its "f" member. */
export function failureFingerprint(state: BatchState, id: string): { f?: string } {
  const fingerprint = state.fingerprints.failed.get(id);
  return fingerprint === undefined ? {} : { f: fingerprintText(fingerprint) };
}

export function applyFailureFingerprint(r: Record<string, unknown>, id: string, state: BatchState): void {
  if (r.f === undefined) return;
  const fingerprint = parseFingerprintText(r.f);
  if (fingerprint === undefined) throw new SchemaViolation("'f' must be 8 base64url characters");
  state.fingerprints.failed.set(id, fingerprint);
}

/** Lines of {"t":"versions"} records, each with up to `perLine` items. */
export function versionLines(state: BatchState, perLine = 2000): string[] {
  const lines: string[] = [];
  let items: Array<[string, number]> = [];
  for (const entry of state.versions) {
    items.push(entry);
    if (items.length === perLine) {
      lines.push(JSON.stringify({ t: "versions", items }));
      items = [];
    }
  }
  if (items.length > 0) lines.push(JSON.stringify({ t: "versions", items }));
  return lines;
}

/** Applies a versions line; returns how many items it held. */
export function applyVersionsLine(r: Record<string, unknown>, state: BatchState): number {
  if (!Array.isArray(r.items)) throw new SchemaViolation("'items' must be an array");
  for (const entry of r.items) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string" || !Number.isSafeInteger(entry[1]) || entry[1] < 1) {
      throw new SchemaViolation("a version must be [id, whole number from 1]");
    }
    state.versions.set(entry[0], entry[1]);
  }
  return r.items.length;
}

export { isObject };
