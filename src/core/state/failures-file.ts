import { join } from "node:path";
import type { BatchState } from "./batch-state.js";
import { groupFailures } from "./failure-groups.js";
import { writeFileInPieces } from "./line-file.js";
import { FAILURES_FILE } from "./state-store.js";
import type { FailureRecord, FailuresFile } from "../platform/types.js";

/** failures.json, regenerated from state: oldest failure first, with causes grouped. */
export function buildFailuresFile(state: BatchState): FailuresFile {
  // `raw` is the engine's copy for retries; failures.json keeps its public shape.
  const failures = [...state.failures.values()]
    .map(withoutRaw)
    .sort((a, b) => (a.firstFailedAt < b.firstFailedAt ? -1 : a.firstFailedAt > b.firstFailedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Failures belong to their pass: a new pass starts with none.
  return { failures, groups: groupFailures(failures), pass: state.pass };
}

export function writeFailuresFile(dir: string, state: BatchState): FailuresFile {
  const file = buildFailuresFile(state);
  writeFileInPieces(join(dir, FAILURES_FILE), (write) => writeFailuresJson(file, write));
  return file;
}

/**
 * The text of JSON.stringify(file, null, 2) — the same bytes — a failure (and a group) at a
 * time: each failure carries its item, so thousands may add up to more than a string holds.
 */
export function writeFailuresJson(file: FailuresFile, write: (text: string) => void): void {
  write("{");
  writeArrayMember("failures", file.failures, write);
  if (file.groups !== undefined) {
    write(",");
    writeArrayMember("groups", file.groups, write);
  }
  if (file.pass !== undefined) write(`,\n  "pass": ${JSON.stringify(file.pass)}`);
  write("\n}\n");
}

/** `\n  "name": [ … ]` with each element indented as JSON.stringify(…, null, 2) would. */
function writeArrayMember(name: string, elements: readonly unknown[], write: (text: string) => void): void {
  write(`\n  "${name}": [`);
  // JSON.stringify escapes newlines inside strings, so every "\n" here is between tokens.
  elements.forEach((e, i) => write((i === 0 ? "\n    " : ",\n    ") + JSON.stringify(e, null, 2).replace(/\n/g, "\n    ")));
  write(elements.length === 0 ? "]" : "\n  ]");
}

function withoutRaw(f: FailureRecord): FailureRecord {
  if (f.raw === undefined) return f;
  const { raw: _raw, ...rest } = f;
  return rest;
}
