import type { FailureRecord, RunRecord } from "../platform/types.js";
import type { JournalRecord } from "./journal-records.js";

/** Run history kept for progress charts; a run every 5 minutes for a week fits. */
const MAX_RUNS_KEPT = 2000;

/** Where a saved state came from, so restore can take the newest of cache and artifact. */
export interface StateOrigin {
  /** Monotonic sequence: each run that starts adds one. */
  seq: number;
  runId: string;
  runAttempt: number;
}

/**
 * The whole state in memory: finished ids, failed items, and the history of runs.
 * Built from a snapshot plus the journal replayed on top of it.
 */
export class BatchState {
  /** Ids finished in earlier runs (from the snapshot and the replayed journal). */
  readonly done = new Set<string>();
  /**
   * Ids finished by the run in progress. An array, not the set: a run never sees an id
   * twice (duplicates are skipped before it starts, done ids are not pending), so a hash
   * insert per item — the costliest step of checkpointing at a million items — buys
   * nothing until the next load. Compaction writes both.
   */
  readonly doneThisRun: string[] = [];
  readonly failures = new Map<string, FailureRecord>();
  runs: RunRecord[] = [];
  origin: StateOrigin = { seq: 0, runId: "", runAttempt: 0 };
  /** The run whose start was replayed but not yet its end. */
  private openRun: RunRecord | undefined;

  /** Items done over all runs. */
  get doneCount(): number {
    return this.done.size + this.doneThisRun.length;
  }

  /** Records an item the run in progress finished (the per-item hot path). */
  markDoneInRun(id: string): void {
    this.doneThisRun.push(id);
    if (this.failures.size > 0) this.failures.delete(id);
    if (this.openRun) this.openRun.succeeded++;
  }

  /** Records a finished item read back from the journal. */
  markDone(id: string): void {
    this.done.add(id);
    if (this.failures.size > 0) this.failures.delete(id);
    // Counted here too, so a run killed before its end record still shows its progress.
    if (this.openRun) this.openRun.succeeded++;
  }

  /** Applies one journal record. Idempotent: every record carries absolute values. */
  apply(record: JournalRecord): void {
    switch (record.t) {
      case "done":
        this.markDone(record.id);
        return;
      case "fail":
        if (this.openRun) this.openRun.failed++;
        this.failures.set(record.id, {
          id: record.id,
          error: record.error,
          kind: record.kind,
          attempts: record.attempts,
          runs: record.runs,
          firstFailedAt: record.first,
          lastFailedAt: record.last,
          item: record.item,
          ...(record.shard === undefined ? {} : { shard: record.shard }),
        });
        return;
      case "start": {
        if (record.seq > this.origin.seq) {
          this.origin = { seq: record.seq, runId: record.runId, runAttempt: record.runAttempt };
        }
        if (!this.runs.some((r) => r.seq === record.seq)) {
          this.openRun = {
            seq: record.seq, runId: record.runId, runAttempt: record.runAttempt, mode: record.mode,
            startedAt: record.at, succeeded: 0, failed: 0,
          };
          this.runs.push(this.openRun);
          if (this.runs.length > MAX_RUNS_KEPT) this.runs.splice(0, this.runs.length - MAX_RUNS_KEPT);
        }
        return;
      }
      case "end": {
        const run = this.runs.find((r) => r.seq === record.seq);
        if (run === this.openRun) this.openRun = undefined;
        if (run) {
          run.endedAt = record.at;
          run.succeeded = record.succeeded;
          run.failed = record.failed;
          run.stopReason = record.stopReason;
          if (record.total !== undefined) run.total = record.total;
          if (record.remaining !== undefined) run.remaining = record.remaining;
        }
        return;
      }
    }
  }
}
