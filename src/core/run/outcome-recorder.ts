import type { BatchState } from "../state/batch-state.js";
import { versionOf, type ChangeCheck } from "../input/changes.js";
import { fingerprintText } from "../state/fingerprint.js";
import { appendDoneLine, doneLineWithFingerprint, type FailRecord } from "../state/journal-records.js";
import type { JournalWriter } from "../state/journal-writer.js";
import { capErrorText } from "../state/state-schema.js";
import type { JobLog } from "../outcomes/job-log-writer.js";
import type { Logger } from "../platform/logger.js";
import type { FailureKind, Item } from "../platform/types.js";
import { isoNow, type System } from "../platform/system.js";
import { oneLine, type ItemLog } from "./item-log.js";
import { logId } from "../platform/log-text.js";
import type { ItemOutcome } from "./item-runner.js";
import type { ProgressMeter } from "./progress.js";
import type { StopController } from "./stop-controller.js";
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, EarlyStop } from "./early-stop.js";
import { storableFailure } from "./failure-line.js";
import { exactJson } from "../input/exact-json.js";

/** The failure-rate stop needs this many finished items before it judges. */
const MIN_ITEMS_FOR_FAILURE_RATE = 20;

export interface OutcomeRecorderOptions {
  /** Runs in which an item may fail transiently before it is quarantined. */
  maxRunsPerItem: number;
  /** Stop early when more than this share of finished items failed (0..1). */
  maxFailureRate?: number;
  /**
   * Stop early after this many failures in a row with no success in this run; 0 never.
   * Default: DEFAULT_MAX_CONSECUTIVE_FAILURES, except in a retry-failures pass (0): its
   * items are known failures, so a run of them is expected.
   */
  maxConsecutiveFailures?: number;
  retryFailures: boolean;
  /** Label stored on failures when sharded, like "2/8". */
  shardLabel?: string;
  shutdownGraceMs: number;
  /** reprocess-changed: each outcome records the fingerprint of the content it was for. */
  changes?: ChangeCheck;
  /** Takes secrets out of error texts, once, before they reach the journal, the job log or the log. */
  redact?: (text: string) => string;
  system: System;
  log: Logger;
}

/** Where an outcome goes: the journal, the state in memory, the progress counters and the log. */
export interface OutcomeSinks {
  journal: JournalWriter;
  /** The job log: every outcome with its timings, and results (--results). */
  jobLog: JobLog;
  state: BatchState;
  meter: ProgressMeter;
  stop: StopController;
  itemLog: ItemLog;
}

/**
 * Records each item's outcome as it arrives — a success or a failure in the journal and
 * the state, a cut-off item not at all (it stays pending) — and stops the run early when
 * too large a share of the finished items failed.
 */
export class OutcomeRecorder {
  /** Failures this run that a next normal run will not retry (permanent or quarantined). */
  failedFinal = 0;
  /** Failures whose retry did not fit the budget: left for the next run, so the run is not complete. */
  deferredForBudget = 0;
  /** Stops a run whose handler cannot run, or that only fails. */
  readonly early: EarlyStop;

  constructor(
    private readonly options: OutcomeRecorderOptions,
    private readonly sinks: OutcomeSinks,
  ) {
    this.early = new EarlyStop({
      maxConsecutiveFailures: options.maxConsecutiveFailures ?? (options.retryFailures ? 0 : DEFAULT_MAX_CONSECUTIVE_FAILURES),
      stop: (reason, message) => {
        options.log.error(message);
        sinks.stop.request(reason, options.shutdownGraceMs);
      },
    });
  }

  /**
   * @param startedAtMs when the item's first attempt in this run started
   * @param endedAtMs when its outcome came (the caller's clock reading, which it reuses)
   */
  record(item: Item, outcome: ItemOutcome, startedAtMs: number, endedAtMs: number): void {
    if (outcome.status === "cutoff") return; // not an outcome; the item stays pending for the next run
    const { redact } = this.options;
    if (redact && (outcome.status === "failed" || outcome.status === "setup")) outcome = { ...outcome, error: redact(outcome.error) };
    // The handler cannot run: nothing is recorded, the item stays pending, the run stops.
    if (outcome.status === "setup") return this.early.setup(item.id, outcome.error);
    const durationMs = endedAtMs - startedAtMs;
    if (outcome.status === "done") {
      const result = this.sinks.jobLog.serialise(outcome.result);
      if (result.ok) return this.recordDone(item, outcome.attempts, startedAtMs, durationMs, result.json);
      // Too large, or not JSON: the item fails with the reason rather than losing its result.
      outcome = { status: "failed", kind: "permanent", error: result.error, attempts: outcome.attempts };
    }
    this.recordFailure(item, outcome, startedAtMs, durationMs);
    this.early.failed();
    this.stopIfFailureRateTooHigh();
  }

  private recordDone(item: Item, attempts: number, startedAtMs: number, durationMs: number, resultJson: string | undefined): void {
    const { changes } = this.options;
    const priorAttempts = this.sinks.state.failures.size === 0 ? 0 : (this.sinks.state.failures.get(item.id)?.attempts ?? 0);
    // The outcome first: the journal's done record must never reach the disk without it.
    this.sinks.jobLog.success(item.id, startedAtMs, durationMs, priorAttempts + attempts, resultJson);
    if (changes === undefined) {
      appendDoneLine(this.sinks.journal, item.id);
      this.sinks.state.markDoneInRun(item.id);
    } else {
      const { state } = this.sinks;
      // The version before the fingerprint moves on: the one the handler's key was made of.
      const version = versionOf(state, item, changes);
      const fingerprint = changes.fingerprint(item);
      this.sinks.journal.append(doneLineWithFingerprint(item.id, fingerprintText(fingerprint), version));
      state.markDoneInRunWithFingerprint(item.id, fingerprint);
      if (version > 0) state.versions.set(item.id, version);
    }
    this.sinks.meter.succeeded++;
    this.early.succeeded();
  }

  /** With reprocess-changed: the fingerprint and version a fail record carries. */
  private versionFields(item: Item): Pick<FailRecord, "f" | "v"> {
    const { changes } = this.options;
    if (changes === undefined) return {};
    const version = versionOf(this.sinks.state, item, changes);
    return { f: fingerprintText(changes.fingerprint(item)), ...(version > 0 ? { v: version } : {}) };
  }

  private recordFailure(item: Item, outcome: Extract<ItemOutcome, { status: "failed" }>, startedAtMs: number, durationMs: number): void {
    const { state, journal, meter } = this.sinks;
    const prior = state.failures.get(item.id);
    const runs = (prior?.runs ?? 0) + 1;
    let kind: FailureKind = outcome.kind;
    if ((kind === "transient" || kind === "timeout") && runs >= this.options.maxRunsPerItem) kind = "quarantined";
    const now = isoNow(this.options.system);
    const raw = exactJson(item);
    const record: FailRecord = {
      t: "fail",
      id: item.id,
      kind,
      error: capErrorText(outcome.error),
      attempts: (prior?.attempts ?? 0) + outcome.attempts,
      runs,
      first: prior?.firstFailedAt ?? now,
      last: now,
      item: item.data,
      // The exact text, so a retry-failures pass hands the handler what the input wrote.
      ...(raw === undefined ? {} : { raw }),
      ...(this.options.shardLabel === undefined ? {} : { shard: this.options.shardLabel }),
      ...this.versionFields(item),
    };
    this.sinks.jobLog.failure(item.id, startedAtMs, durationMs, record.attempts, kind, record.error, outcome.exitCode);
    const stored = storableFailure(record);
    journal.append(stored.line);
    state.apply(stored.rec);
    meter.failed++;
    if (kind === "permanent" || kind === "quarantined") this.failedFinal++;
    if (outcome.deferred) this.deferredForBudget++;
    const quarantine = kind === "quarantined" ? ` after failing in ${runs} runs` : "";
    this.sinks.itemLog.write(`✗ ${logId(item.id)}: ${oneLine(outcome.error)} (${kind}${quarantine}, ${record.attempts} attempt(s))`);
  }

  private stopIfFailureRateTooHigh(): void {
    const { meter, stop } = this.sinks;
    const { maxFailureRate } = this.options;
    const finished = meter.succeeded + meter.failed;
    if (maxFailureRate === undefined || finished < MIN_ITEMS_FOR_FAILURE_RATE || meter.failed / finished <= maxFailureRate) return;
    if (!stop.soft.signal.aborted) {
      this.options.log.error(
        `${meter.failed} of ${finished} items failed (more than max-failure-rate ${maxFailureRate}): stopping early, something upstream looks broken`,
      );
    }
    stop.request("failure-rate", this.options.shutdownGraceMs);
  }
}
