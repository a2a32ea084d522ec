import { BatchState } from "./batch-state.js";
import type { RunRecord } from "../platform/types.js";

/** One shard's state, labelled for the merged report. */
export interface ShardState {
  label: string;
  state: BatchState;
}

/**
 * Merges shards' states into one for reporting: every item lives in exactly one shard,
 * so done sets and failures simply union; each failure keeps which shard it came from.
 * Runs are combined per run id, summing the shards' counts, so the chart shows the
 * matrix run as one run.
 */
export function mergeShardStates(shards: ShardState[]): BatchState {
  const merged = new BatchState();
  const runsById = new Map<string, RunRecord>();
  for (const { label, state } of shards) {
    for (const id of state.done) merged.done.add(id);
    for (const id of state.doneThisRun) merged.done.add(id);
    for (const f of state.failures.values()) merged.failures.set(f.id, { ...f, shard: f.shard ?? label });
    for (const r of state.runs) {
      const key = `${r.runId}#${r.runAttempt}#${r.mode}`;
      const existing = runsById.get(key);
      if (!existing) {
        runsById.set(key, { ...r });
        continue;
      }
      existing.succeeded += r.succeeded;
      existing.failed += r.failed;
      if (r.total !== undefined) existing.total = (existing.total ?? 0) + r.total;
      if (r.remaining !== undefined) existing.remaining = (existing.remaining ?? 0) + r.remaining;
      if (r.startedAt < existing.startedAt) existing.startedAt = r.startedAt;
      if (r.endedAt && (!existing.endedAt || r.endedAt > existing.endedAt)) existing.endedAt = r.endedAt;
    }
    if (state.origin.seq > merged.origin.seq) merged.origin = { ...state.origin };
  }
  merged.runs = [...runsById.values()].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  merged.runs.forEach((r, i) => (r.seq = i + 1));
  return merged;
}
