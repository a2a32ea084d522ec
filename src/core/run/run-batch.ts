import type { BackoffPolicy } from "./backoff.js";
import { Budget } from "./budget.js";
import { ConfigError, StoppedBeforeStartError } from "../platform/errors.js";
import { ReadStoppedError } from "../input/line-reader.js";
import type { BatchState } from "../state/batch-state.js";
import { formatDurationMs } from "../config/duration.js";
import type { Handler } from "../handlers/handler.js";
import type { SourceSpec } from "../input/item-source.js";
import type { Logger } from "../platform/logger.js";
import { exitCodeFor } from "./exit-code.js";
import { ItemLog } from "./item-log.js";
import { OutcomeRecorder } from "./outcome-recorder.js";
import { processItems } from "./process-items.js";
import { ProgressMeter, type ProgressSnapshot } from "./progress.js";
import { abandonRun, asStateWrite, beginRun, endRun, loadCheckpoint, StateWrites, type OpenRun } from "./run-journal.js";
import type { JournalFs } from "../state/journal-writer.js";
import { startRunTimers } from "./run-timers.js";
import { acquireLock } from "../state/state-store.js";
import { compactSegments } from "../outcomes/outcome-files.js";
import { restoreUnreached, takeRedoIds } from "./redo.js";
import { DEFAULT_MAX_RESULT_BYTES, JobLogWriter, NO_JOB_LOG, type JobLog } from "../outcomes/job-log-writer.js";
import { StopController, type StopSource } from "./stop-controller.js";
import type { System } from "../platform/system.js";
import type { FailureRecord, StopReason } from "../platform/types.js";
import { openWorkQueue, type WorkQueue, type WorkQueueOptions } from "./work-queue.js";
import { changeCheck } from "../input/changes.js";
import { describePassState, nextPassAfter, openPass } from "./passes.js";

export interface RunBatchOptions {
  stateDir: string;
  /** Where items come from; not needed for a retry-failures pass. */
  source?: SourceSpec;
  handler: Handler;
  concurrency: number;
  /** Attempts per item in this run. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  itemTimeoutMs?: number;
  /** Wall time for the whole run, stopping included; undefined means no limit. */
  timeBudgetMs?: number;
  /** After a stop request, how long in-flight items may finish before they are aborted. */
  shutdownGraceMs: number;
  /** Part of the budget kept for stopping and saving after the last item. */
  reserveMs: number;
  /** Re-attempt only the items in failures.json. */
  retryFailures: boolean;
  /** `repeat`: a complete pass starts again once this long has passed since it started. */
  repeatMs?: number;
  /** `new-pass`: start the next pass now. */
  newPass?: boolean;
  /** `reprocess-changed`: process done items again whose content changed since. */
  reprocessChanged?: boolean;
  /** `version-field`: with reprocessChanged, compare this field instead of the whole item. */
  versionField?: string;
  /** Runs in which an item may fail transiently before it is quarantined. */
  maxRunsPerItem: number;
  /** Stop early when more than this share of finished items failed (0..1). */
  maxFailureRate?: number;
  /** Stop after this many failures in a row with no success (see OutcomeRecorderOptions). */
  maxConsecutiveFailures?: number;
  /** Only items this accepts belong to this run (a shard's share). */
  accept?: (id: string) => boolean;
  /** Sources up to this many bytes are parsed once and kept in memory (default 128 MiB). */
  retainItemsMaxBytes?: number;
  /** Takes secrets out of every error text before it is stored or logged (platform/secrets.ts makeRedactor). */
  redact?: (text: string) => string;
  /** Label stored on failures when sharded, like "2/8". */
  shardLabel?: string;
  /** The handler's kind, for the job log (a command's outcomes carry its exit status). */
  handlerKind?: "command" | "module" | "worker";
  /** Keep what handlers return, by id (--results). The job log is kept either way. */
  results?: boolean;
  /** A larger result fails its item (default 64 KiB). */
  maxResultBytes?: number;
  /** false: keep no job log (only `npm run bench` does, to measure what the log costs). */
  jobLog?: boolean;
  /** retry-failures with retry-filter: only the failures this accepts are re-attempted; the rest stay. */
  retryFilter?: (failure: FailureRecord) => boolean;
  /** redo-ids: done items to process again, with a new idempotency key, recorded as redone. */
  redoIds?: ReadonlySet<string>;
  runId: string;
  runAttempt: number;
  idempotencyNamespace: string;
  flushIntervalMs: number;
  /** Awaited before each item starts; resolves false when stopping (rate limiting). */
  beforeStart?: (signal: AbortSignal) => boolean | Promise<boolean>;
  /** Told when a server throttled an item (429, Retry-After), with the wait it asked for. */
  onThrottle?: (delayMs: number) => void;
  system: System;
  /** The journal's write (tests inject a failing one: a full disk). */
  journalFs?: JournalFs;
  stops: StopSource;
  log: Logger;
  onProgress?: (progress: ProgressSnapshot) => void;
  progressIntervalMs?: number;
}

export interface RunBatchResult {
  mode: "run" | "retry-failures";
  /** Items this run took to an outcome (succeeded + failed). */
  processed: number;
  succeeded: number;
  failed: number;
  /** Items a next run would still attempt (retry-failures: failures not re-attempted). */
  remaining: number;
  /** Nothing left for a next run. */
  complete: boolean;
  /** Distinct items in the source (retry-failures: failures at the start). */
  total: number;
  /** Items of the source that are done, over all runs. */
  doneTotal: number;
  /** Failures in state after this run. */
  failuresTotal: number;
  stopReason: StopReason;
  exitCode: number;
  durationMs: number;
  /** Sequence number of the state this run produced. */
  seq: number;
  warnings: string[];
  /** Why the run stopped early (handler-error, failure-rate), for the log and the step's error. */
  stopMessage?: string;
  /** The pass this run worked in. */
  pass: number;
  /** Set when this run started that pass, and why. */
  passStarted?: "new-pass" | "repeat";
  /** `repeat` was due while the pass still had items left: it went on (it overran its interval). */
  passOverran: boolean;
  /** With `repeat`: when the next pass may start (ISO 8601). */
  nextPassAfter?: string;
  /** Where the pass stands, as a sentence (complete, and when the next one starts). */
  passNote: string;
  /** Items processed again because their content changed since they were done (reprocess-changed). */
  changed: number;
}

/**
 * One run of the batch: load the checkpoint, check the items, process what is not done
 * until everything is done, the budget runs low or a stop arrives, and leave the state
 * folder consistent (journal flushed, compacted, failures.json written) in every case.
 */
export async function runBatch(options: RunBatchOptions): Promise<RunBatchResult> {
  const startedAtMs = options.system.nowMs();
  if (!options.retryFailures && !options.source) throw new ConfigError("no item source: give --items or --items-command");
  // Listen before the lock is taken, and so before the items are read: a stop during a long
  // first pass must be graceful, and a signal between the lock's creation and listening
  // would have ended the process with the lock left behind.
  const stop = new StopController(options.system);
  const unsubscribe = options.stops.subscribe((signal) => {
    const what = stop.soft.signal.aborted ? "stopping now" : `no new items; in-flight items get ${options.shutdownGraceMs}ms`;
    options.log.warn(`${signal} received: ${what}`);
    stop.request("signal", options.shutdownGraceMs, signal);
  });
  try {
    const lock = asStateWrite(options.stateDir, () => acquireLock(options.stateDir));
    try {
      if (lock.tookOverFrom) options.log.warn(`took over the state folder's lock left by ${lock.tookOverFrom} (that run did not stop cleanly)`);
      return await runSubscribed(options, startedAtMs, stop);
    } finally {
      lock.release();
    }
  } finally {
    unsubscribe();
    stop.dispose();
  }
}

/** The story of a run, step by step; each step lives in its own file beside this one. */
async function runSubscribed(options: RunBatchOptions, startedAtMs: number, stop: StopController): Promise<RunBatchResult> {
  // Worker processes start now, in parallel with loading and checking (a few tens of ms each).
  options.handler.warmUp?.(options.concurrency);
  const checkpoint = loadCheckpoint(options);
  const pass = openPass(checkpoint.state, { ...options, newPass: options.newPass ?? false, nowMs: startedAtMs });
  // A pass starts when its first run does (not when that run's items checked out).
  checkpoint.state.passStartedAt ??= new Date(startedAtMs).toISOString();
  const changes = options.reprocessChanged ? changeCheck(options.versionField) : undefined;
  const redoTaken = options.redoIds === undefined ? new Set<string>() : takeRedoIds(checkpoint.state, options.redoIds, options.log);
  const queue = await openQueueUnlessStopped({ ...options, changes }, checkpoint.state, stop);
  const writes = new StateWrites(options.log, stop);
  const run = beginRun(options, checkpoint, options.retryFailures ? "retry-failures" : "run", writes, pass.record);
  const redo = redoTaken.size === 0 ? undefined : { ids: redoTaken, tag: `redo ${run.seq}` };

  const budget = new Budget(options.timeBudgetMs === undefined ? undefined : startedAtMs + options.timeBudgetMs, options.reserveMs);
  const meter = new ProgressMeter(queue.pending, startedAtMs);
  const itemLog = new ItemLog(options.log);
  // Outcomes name their pass once a batch has passes (a repeat, or a pass after the first).
  const passOfOutcomes = options.repeatMs !== undefined || run.state.pass > 1 ? run.state.pass : undefined;
  const jobLog = await openJobLog(options, run.seq, passOfOutcomes, redoTaken, writes.onError);
  const recorder = new OutcomeRecorder({ ...options, changes }, { journal: run.journal, jobLog, state: run.state, meter, stop, itemLog });
  const cancelTimers = startRunTimers(options, startedAtMs, budget, stop, meter);
  try {
    await processItems({ ...options, changes, redo }, queue, { state: run.state, budget, stop, meter, recorder, itemLog });
  } finally {
    cancelTimers();
  }
  if (writes.failure !== undefined) {
    jobLog.close();
    abandonRun(options, run, writes.failure);
  }

  const ending = howItEnded(options.retryFailures, queue, meter, recorder, stop);
  // Before the journal's end: an item the journal calls done has its outcome on disk.
  jobLog.close();
  if (writes.failure !== undefined) abandonRun(options, run, writes.failure);
  restoreUnreached(run.state, redoTaken);
  endRun(options, run, {
    succeeded: meter.succeeded,
    failed: meter.failed,
    stopReason: ending.stopReason,
    ...(options.retryFailures ? {} : { source: { total: queue.total, remaining: ending.remaining } }),
    changed: queue.changed,
  });
  options.onProgress?.(meter.snapshot(options.system.nowMs()));
  const passNote = describePassState(run.state, options.repeatMs, options.system.nowMs());
  if (!options.retryFailures && (options.repeatMs !== undefined || run.state.pass > 1)) options.log.info(passNote);
  return runResult(options, {
    run,
    queue,
    meter,
    recorder,
    stop,
    pass,
    ending,
    passNote,
    startedAtMs,
    warnings: [...checkpoint.warnings, ...queue.warnings],
  });
}

/** What runResult reads: the run's parts once it has ended. */
interface EndedRun {
  run: OpenRun;
  queue: WorkQueue;
  meter: ProgressMeter;
  recorder: OutcomeRecorder;
  stop: StopController;
  pass: ReturnType<typeof openPass>;
  ending: RunEnding;
  passNote: string;
  startedAtMs: number;
  warnings: string[];
}

/** The run's result, as the adapters report it. */
function runResult(options: RunBatchOptions, ended: EndedRun): RunBatchResult {
  const { run, queue, meter, recorder, stop, pass, ending, passNote, startedAtMs } = ended;
  // A pass found complete, with the next one not due yet: nothing to do is success.
  const waiting = pass.completeAtStart && options.repeatMs !== undefined && ending.processed === 0;
  return {
    mode: run.mode,
    processed: ending.processed,
    succeeded: meter.succeeded,
    failed: meter.failed,
    remaining: ending.remaining,
    complete: ending.remaining === 0,
    total: queue.total,
    doneTotal: options.retryFailures ? run.state.doneCount : queue.alreadyDone + meter.succeeded,
    failuresTotal: run.state.failures.size,
    stopReason: ending.stopReason,
    exitCode: exitCodeFor({ stopReason: ending.stopReason, signal: stop.signal, failed: meter.failed, heldFailed: waiting ? 0 : queue.heldFailed }),
    durationMs: options.system.nowMs() - startedAtMs,
    seq: run.seq,
    warnings: ended.warnings,
    pass: run.state.pass,
    ...(pass.why === undefined ? {} : { passStarted: pass.why }),
    passOverran: pass.overran,
    ...(options.repeatMs === undefined ? {} : { nextPassAfter: nextPassAfter(run.state, options.repeatMs) }),
    passNote,
    changed: queue.changed,
    ...(recorder.early.message === undefined ? {} : { stopMessage: recorder.early.message }),
  };
}

/** Opens this run's segment of the job log, merging the older segments first when there are many. */
async function openJobLog(
  options: RunBatchOptions,
  seq: number,
  pass: number | undefined,
  redoIds: ReadonlySet<string>,
  onWriteError: (error: unknown) => void,
): Promise<JobLog> {
  if (options.jobLog === false) return NO_JOB_LOG;
  await compactSegments(options.stateDir);
  return new JobLogWriter({
    stateDir: options.stateDir,
    seq,
    runId: options.runId,
    runAttempt: options.runAttempt,
    handlerKind: options.handlerKind ?? "module",
    shard: options.shardLabel,
    pass,
    redoIds,
    results: options.results ?? false,
    maxResultBytes: options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
    system: options.system,
    flushIntervalMs: options.flushIntervalMs,
    onWriteError,
  });
}

/** The work queue; a stop while the items are read ends the run before it begins (nothing to record). */
async function openQueueUnlessStopped(options: WorkQueueOptions, state: BatchState, stop: StopController): Promise<WorkQueue> {
  try {
    return await openWorkQueue(options, state, stop.soft.signal);
  } catch (error) {
    if (error instanceof ReadStoppedError) throw new StoppedBeforeStartError(stop.signal ?? "SIGINT");
    throw error;
  }
}

interface RunEnding {
  /** Items this run took to an outcome. */
  processed: number;
  /** Items a next run would still attempt. */
  remaining: number;
  stopReason: StopReason;
}

/** Counts what is left once the pool has drained, and why the run stopped. */
function howItEnded(retryFailures: boolean, queue: WorkQueue, meter: ProgressMeter, recorder: OutcomeRecorder, stop: StopController): RunEnding {
  const processed = meter.succeeded + meter.failed;
  const notReached = queue.pending - processed;
  const remaining = retryFailures ? notReached : queue.pending - meter.succeeded - recorder.failedFinal;
  let stopReason: StopReason = stop.reason === "state-write" || stop.reason === undefined ? "complete" : stop.reason;
  // The budget stop came after the last item had started: nothing was left undone.
  if (stopReason === "budget" && notReached === 0 && recorder.deferredForBudget === 0) stopReason = "complete";
  // ...unless a retry did not fit the budget: that item waits for the next run.
  if (stopReason === "complete" && recorder.deferredForBudget > 0) stopReason = "budget";
  return { processed, remaining, stopReason };
}

/** One line saying what a run did, for both adapters' logs. */
export function describeRunResult(r: RunBatchResult): string {
  const what = (r.mode === "retry-failures" ? "retry-failures" : "run") + (r.pass > 1 ? ` (pass ${r.pass})` : "");
  const changed = r.changed > 0 ? `, ${r.changed} changed since done` : "";
  return (
    `${what}: ${r.processed} processed (${r.succeeded} succeeded, ${r.failed} failed${changed}) in ${formatDurationMs(r.durationMs)}; ` +
    (r.mode === "run" ? `${r.doneTotal}/${r.total} done overall, ${r.remaining} left` : `${r.failuresTotal} still failing`)
  );
}
