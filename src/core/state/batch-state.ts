import type { FailureRecord, PassSummary, RunRecord } from "../platform/types.js";
import { parseFingerprintText } from "./fingerprint.js";
import { StateFingerprints } from "./state-fingerprints.js";
import type { DoneRecord, FailRecord, JournalRecord } from "./journal-records.js";
import { DoneSet } from "./done-set.js";
import { IdList } from "./id-list.js";

/** Run history kept for progress charts; a run every 5 minutes for a week fits. */
const MAX_RUNS_KEPT = 2000;
/** Finished passes kept in the history; a pass a day for more than a year fits. */
const MAX_PASSES_KEPT = 500;

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
  readonly done = new DoneSet();
  /**
   * Ids finished by the run in progress. An array, not the set: a run never sees an id
   * twice (duplicates are skipped before it starts, done ids are not pending), so a hash
   * insert per item — the costliest step of checkpointing at a million items — buys
   * nothing until the next load. Compaction writes both.
   */
  readonly doneThisRun = new IdList();
  readonly failures = new Map<string, FailureRecord>();
  runs: RunRecord[] = [];
  origin: StateOrigin = { seq: 0, runId: "", runAttempt: 0 };
  /** The current pass: 1 for every state from before passes existed. */
  pass = 1;
  /** ISO 8601: when the current pass's first run started (undefined before any run). */
  passStartedAt: string | undefined;
  /** ISO 8601: when a normal run first found nothing left in the current pass. */
  passCompletedAt: string | undefined;
  /** The `repeat` interval the latest run had, for telling when the next pass starts. */
  repeatMs: number | undefined;
  /** Finished passes, oldest first. */
  passes: PassSummary[] = [];
  /**
   * With reprocess-changed: the fingerprint of each done (or failed) item's content when
   * it was done (or failed). Empty unless the feature was used: it costs memory per item.
   */
  readonly fingerprints = new StateFingerprints(() => this.done);
  /** Items whose version in this pass is not 0 (they changed since first done): few. */
  readonly versions = new Map<string, number>();
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

  /**
   * Records an item the run in progress finished with the fingerprint of its content
   * (reprocess-changed). It may have been done before in this pass (it changed since): such
   * an item is in the done set already, and must not be listed twice.
   */
  markDoneInRunWithFingerprint(id: string, fingerprint: number): void {
    const index = this.done.indexOf(id);
    if (index !== -1) {
      this.markDone(id);
      this.done.setValueAt(index, fingerprint);
    } else {
      this.markDoneInRun(id);
      this.fingerprints.thisRun[this.doneThisRun.length - 1] = fingerprint;
    }
    if (this.fingerprints.failed.size > 0) this.fingerprints.failed.delete(id);
  }

  /** Records a finished item read back from the journal. */
  markDone(id: string): void {
    this.done.add(id);
    if (this.failures.size > 0) this.failures.delete(id);
    // Counted here too, so a run killed before its end record still shows its progress.
    if (this.openRun) this.openRun.succeeded++;
  }

  /** Records the fingerprint and version a done or fail record carries. */
  private noteVersion(record: DoneRecord | FailRecord): void {
    const fingerprint = parseFingerprintText(record.f);
    if (record.t === "done" && this.fingerprints.failed.size > 0) this.fingerprints.failed.delete(record.id);
    if (fingerprint !== undefined) this.fingerprints.set(record.id, fingerprint);
    if (record.v !== undefined && record.v > 0) this.versions.set(record.id, record.v);
    else if (this.versions.size > 0) this.versions.delete(record.id);
  }

  /** The current pass as it stands, in the history's form. */
  currentPass(): PassSummary {
    const runs = this.runs.filter((r) => (r.pass ?? 1) === this.pass).length;
    return {
      pass: this.pass,
      ...(this.passStartedAt === undefined ? {} : { startedAt: this.passStartedAt }),
      ...(this.passCompletedAt === undefined ? {} : { completedAt: this.passCompletedAt }),
      succeeded: this.doneCount,
      failed: this.failures.size,
      runs,
    };
  }

  /**
   * Starts pass `pass` at `at`: the current one goes to the history, and nothing is done
   * or failed in the new one. O(1) in the items but for clearing the sets.
   */
  startPass(pass: number, at: string): void {
    if (pass <= this.pass) return;
    this.passes.push(this.currentPass());
    if (this.passes.length > MAX_PASSES_KEPT) this.passes.splice(0, this.passes.length - MAX_PASSES_KEPT);
    this.done.clear();
    this.doneThisRun.clear();
    this.failures.clear();
    this.fingerprints.clear();
    this.versions.clear();
    this.pass = pass;
    this.passStartedAt = at;
    this.passCompletedAt = undefined;
  }

  /**
   * A state saved before passes existed is pass 1: it started with the first run kept, and
   * it is complete when the last normal run left nothing.
   */
  adoptLegacyPass(): void {
    this.pass = 1;
    this.passStartedAt = this.runs[0]?.startedAt;
    const lastNormal = this.lastNormalRun();
    this.passCompletedAt = lastNormal?.remaining === 0 ? lastNormal.endedAt : undefined;
  }

  /**
   * The last normal run (not retry-failures) that recorded its end: its `total` and
   * `remaining` are what the source held and what was left, as far as the state knows.
   */
  lastNormalRun(): RunRecord | undefined {
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const run = this.runs[i]!;
      if (run.mode === "run" && run.remaining !== undefined) return run;
    }
    return undefined;
  }

  /** Applies one journal record. Idempotent: every record carries absolute values. */
  apply(record: JournalRecord): void {
    switch (record.t) {
      case "done":
        this.markDone(record.id);
        if (record.f !== undefined || record.v !== undefined || this.versions.size > 0) this.noteVersion(record);
        return;
      case "pass":
        this.startPass(record.pass, record.at);
        return;
      case "fail":
        this.applyFail(record);
        return;
      case "start":
        this.applyStart(record);
        return;
      case "end":
        this.applyEnd(record);
        return;
    }
  }

  private applyFail(record: Extract<JournalRecord, { t: "fail" }>): void {
    // An item done earlier in the pass that changed and then failed is failed, not done.
    if (this.done.size > 0) this.done.delete(record.id);
    if (record.f !== undefined || record.v !== undefined || this.versions.size > 0) this.noteVersion(record);
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
      ...(record.raw === undefined ? {} : { raw: record.raw }),
      ...(record.shard === undefined ? {} : { shard: record.shard }),
    });
  }

  private applyStart(record: Extract<JournalRecord, { t: "start" }>): void {
    if (record.seq > this.origin.seq) {
      this.origin = { seq: record.seq, runId: record.runId, runAttempt: record.runAttempt };
    }
    this.passStartedAt ??= record.at;
    this.repeatMs = record.repeatMs;
    if (!this.runs.some((r) => r.seq === record.seq)) {
      this.openRun = {
        seq: record.seq,
        runId: record.runId,
        runAttempt: record.runAttempt,
        mode: record.mode,
        pass: record.pass ?? this.pass,
        startedAt: record.at,
        succeeded: 0,
        failed: 0,
      };
      this.runs.push(this.openRun);
      if (this.runs.length > MAX_RUNS_KEPT) this.runs.splice(0, this.runs.length - MAX_RUNS_KEPT);
    }
  }

  private applyEnd(record: Extract<JournalRecord, { t: "end" }>): void {
    const run = this.runs.find((r) => r.seq === record.seq);
    if (run === this.openRun) this.openRun = undefined;
    if (!run) return;
    run.endedAt = record.at;
    run.succeeded = record.succeeded;
    run.failed = record.failed;
    run.stopReason = record.stopReason;
    if (record.total !== undefined) run.total = record.total;
    if (record.remaining !== undefined) run.remaining = record.remaining;
    if (record.changed !== undefined) run.changed = record.changed;
    if (run.mode === "run" && record.remaining !== undefined && (run.pass ?? 1) === this.pass) {
      // Complete from the first run that left nothing; a later one that found new
      // items (or a changed one failing transiently) makes it incomplete again.
      if (record.remaining > 0) this.passCompletedAt = undefined;
      else this.passCompletedAt ??= record.at;
    }
  }
}
