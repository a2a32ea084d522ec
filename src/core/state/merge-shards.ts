import { BatchState } from "./batch-state.js";
import type { PassSummary, RunRecord } from "../platform/types.js";

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
  mergePasses(
    merged,
    shards.map((s) => s.state),
  );
  return merged;
}

/**
 * Each shard keeps passes of its own (it starts the next one when its own pass is done):
 * the merged pass is the furthest one, started when its first shard started it and
 * complete when every shard in it is; the history sums each pass over the shards.
 */
function mergePasses(merged: BatchState, states: BatchState[]): void {
  if (states.length === 0) return;
  const pass = Math.max(...states.map((s) => s.pass));
  const current = states.filter((s) => s.pass === pass);
  const starts = current
    .map((s) => s.passStartedAt)
    .filter((t): t is string => t !== undefined)
    .sort();
  const ends = current.map((s) => s.passCompletedAt);
  merged.pass = pass;
  merged.passStartedAt = starts[0];
  merged.passCompletedAt = ends.every((t) => t !== undefined) ? (ends as string[]).sort().at(-1) : undefined;
  merged.repeatMs = current.find((s) => s.repeatMs !== undefined)?.repeatMs;
  const byPass = new Map<number, PassSummary>();
  for (const state of states) {
    // A shard behind the others has its current pass finished as far as the report goes.
    const finished = state.pass < pass ? [...state.passes, state.currentPass()] : state.passes;
    for (const p of finished) {
      const sum = byPass.get(p.pass);
      if (!sum) {
        byPass.set(p.pass, { ...p });
        continue;
      }
      sum.succeeded += p.succeeded;
      sum.failed += p.failed;
      sum.runs = Math.max(sum.runs, p.runs);
      if (p.startedAt && (!sum.startedAt || p.startedAt < sum.startedAt)) sum.startedAt = p.startedAt;
      if (!p.completedAt) delete sum.completedAt;
      else if (sum.completedAt && p.completedAt > sum.completedAt) sum.completedAt = p.completedAt;
    }
  }
  merged.passes = [...byPass.values()].sort((a, b) => a.pass - b.pass);
}
