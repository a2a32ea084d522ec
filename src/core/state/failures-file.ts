import { join } from "node:path";
import type { BatchState } from "./batch-state.js";
import { groupFailures } from "./failure-groups.js";
import { FAILURES_FILE, writeFileAtomic } from "./state-store.js";
import type { FailuresFile } from "../platform/types.js";

/** failures.json, regenerated from state: oldest failure first, with causes grouped. */
export function buildFailuresFile(state: BatchState): FailuresFile {
  const failures = [...state.failures.values()].sort((a, b) =>
    a.firstFailedAt < b.firstFailedAt ? -1 : a.firstFailedAt > b.firstFailedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return { failures, groups: groupFailures(failures) };
}

export function writeFailuresFile(dir: string, state: BatchState): FailuresFile {
  const file = buildFailuresFile(state);
  writeFileAtomic(join(dir, FAILURES_FILE), JSON.stringify(file, null, 2) + "\n");
  return file;
}
