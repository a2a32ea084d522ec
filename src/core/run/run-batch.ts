import { statSync } from "node:fs";
import { join } from "node:path";
import type { BackoffPolicy } from "./backoff.js";
import type { BatchState } from "../state/batch-state.js";
import { Budget } from "./budget.js";
import { ConfigError } from "../platform/errors.js";
import { formatDurationMs } from "../config/duration.js";
import { writeFailuresFile } from "../state/failures-file.js";
import type { Handler } from "../handlers/handler.js";
import { readSource, type SourceSpec } from "../input/item-source.js";
import { runItem, type ItemOutcome } from "./item-runner.js";
import { doneLine, recordLine, type FailRecord } from "../state/journal-records.js";
import { JournalWriter } from "../state/journal-writer.js";
import type { Logger } from "../platform/logger.js";
import { firstOccurrences, isPending, planSource } from "../input/plan.js";
import { batchedNext, runPool } from "./pool.js";
import { ProgressMeter, type ProgressSnapshot } from "./progress.js";
import { acquireLock, compactState, journalFileName, loadState } from "../state/state-store.js";
import { StopController, type StopSource } from "./stop-controller.js";
import type { System } from "../platform/system.js";
import type { FailureKind, Item, StopReason } from "../platform/types.js";

/** Compact at load when the journal replayed on top of the snapshot is larger than this. */
const COMPACT_AT_LOAD_BYTES = 4 * 1024 * 1024;
/**
 * Sources up to this size are parsed once: the first pass keeps the pending items for the
 * run (about 3.5× the file's size in memory, measured at 1M items). Larger ones are read again for the run, so
 * memory stays flat however long the list.
 */
const RETAIN_ITEMS_MAX_BYTES = 128 * 1024 * 1024;
/** Failures (and retries) logged one by one before the log only counts them. */
const MAX_ITEM_LOG_LINES = 100;
/** The failure-rate stop needs this many finished items before it judges. */
const MIN_ITEMS_FOR_FAILURE_RATE = 20;

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
  /** Runs in which an item may fail transiently before it is quarantined. */
  maxRunsPerItem: number;
  /** Stop early when more than this share of finished items failed (0..1). */
  maxFailureRate?: number;
  /** Only items this accepts belong to this run (a shard's share). */
  accept?: (id: string) => boolean;
  /** Sources up to this many bytes are parsed once and kept in memory (default 128 MiB). */
  retainItemsMaxBytes?: number;
  /** Label stored on failures when sharded, like "2/8". */
  shardLabel?: string;
  runId: string;
  runAttempt: number;
  idempotencyNamespace: string;
  flushIntervalMs: number;
  /** Awaited before each item starts; resolves false when stopping (rate limiting). */
  beforeStart?: (signal: AbortSignal) => boolean | Promise<boolean>;
  /** Told when a server throttled an item (429, Retry-After), with the wait it asked for. */
  onThrottle?: (delayMs: number) => void;
  system: System;
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
}

/**
 * One run of the batch: load the checkpoint, check the items, process what is not done
 * until everything is done, the budget runs low or a stop arrives, and leave the state
 * folder consistent (journal flushed, compacted, failures.json written) in every case.
 */
export async function runBatch(o: RunBatchOptions): Promise<RunBatchResult> {
  const startedAtMs = o.system.nowMs();
  if (!o.retryFailures && !o.source) throw new ConfigError("no item source: give --items or --items-command");
  const lock = acquireLock(o.stateDir);
  try {
    if (lock.tookOverFrom) o.log.warn(`took over the state folder's lock left by ${lock.tookOverFrom} (that run did not stop cleanly)`);
    return await runLocked(o, startedAtMs);
  } finally {
    lock.release();
  }
}

async function runLocked(o: RunBatchOptions, startedAtMs: number): Promise<RunBatchResult> {
  // Listen before reading the items: a stop during a long first pass must still be graceful.
  const stop = new StopController(o.system);
  const unsubscribe = o.stops.subscribe((signal) => {
    o.log.warn(`${signal} received: ${stop.soft.signal.aborted ? "stopping now" : `no new items; in-flight items get ${o.shutdownGraceMs}ms`}`);
    stop.request("signal", o.shutdownGraceMs, signal);
  });
  try {
    return await runSubscribed(o, startedAtMs, stop);
  } finally {
    unsubscribe();
    stop.dispose();
  }
}

async function runSubscribed(o: RunBatchOptions, startedAtMs: number, stop: StopController): Promise<RunBatchResult> {
  // Worker processes start now, in parallel with loading and checking (a few tens of ms each).
  o.handler.warmUp?.(o.concurrency);
  const loaded = loadState(o.stateDir);
  const { state } = loaded;
  let generation = loaded.generation;
  const warnings = [...loaded.warnings];
  for (const w of loaded.warnings) o.log.warn(w);
  if (loaded.journalBytes > COMPACT_AT_LOAD_BYTES) generation = compactState(o.stateDir, state, generation, iso(o.system));

  const accept = o.accept ?? (() => true);
  let total: number;
  let pending: number;
  let heldFailed = 0;
  let alreadyDone = 0;
  let next: () => Promise<Item | undefined>;
  let take: (() => Item | undefined) | undefined;
  if (o.retryFailures) {
    const items: Item[] = [...state.failures.values()].filter((f) => accept(f.id)).map((f) => ({ id: f.id, data: f.item, line: 0 }));
    total = pending = items.length;
    let i = 0;
    next = async () => items[i++];
    o.log.info(`retry-failures: re-attempting ${items.length} failed item(s)`);
  } else {
    const source = o.source as SourceSpec;
    const plan = await planSource(source, state, accept, sizeOf(source.path) <= (o.retainItemsMaxBytes ?? RETAIN_ITEMS_MAX_BYTES));
    for (const w of plan.warnings) o.log.warn(w);
    warnings.push(...plan.warnings);
    total = plan.total;
    pending = plan.pending;
    heldFailed = plan.heldFailed;
    alreadyDone = plan.alreadyDone;
    o.log.info(
      `${plan.total} item(s): ${plan.alreadyDone} done in earlier runs, ${plan.heldFailed} failed and held for retry-failures, ${plan.pending} to do`,
    );
    if (plan.items) {
      const items = plan.items;
      let i = 0;
      take = () => (i < items.length ? items[i++] : undefined);
      next = async () => take!();
    } else {
      const queue = batchedNext(pendingItems(source, state, accept, plan.duplicateIds, plan.alreadyDone + plan.heldFailed));
      next = queue;
      take = queue.take;
    }
  }

  const seq = state.origin.seq + 1;
  const mode = o.retryFailures ? "retry-failures" : "run";
  const journal = new JournalWriter(join(o.stateDir, journalFileName(generation)), o.system, o.flushIntervalMs);
  const start = { t: "start", seq, runId: o.runId, runAttempt: o.runAttempt, mode, at: iso(o.system) } as const;
  journal.append(recordLine(start));
  state.apply(start);
  journal.flush();

  const budget = new Budget(o.timeBudgetMs === undefined ? undefined : startedAtMs + o.timeBudgetMs, o.reserveMs);
  let cancelBudgetTimer: (() => void) | undefined;
  if (budget.deadlineAtMs !== undefined) {
    // New items stop when canStart() finds too little budget left for a typical one; what
    // is still in flight when the reserve begins is cut off then. (Stopping a whole grace
    // before that spent a budget shorter than grace + reserve on one item per lane.)
    const stopInMs = Math.max(0, budget.deadlineAtMs - o.reserveMs - startedAtMs);
    cancelBudgetTimer = o.system.setTimer(() => stop.request("budget", 0), stopInMs);
  }

  const meter = new ProgressMeter(pending, startedAtMs);
  let cancelProgress: (() => void) | undefined;
  const tick = () => {
    o.onProgress?.(meter.snapshot(o.system.nowMs()));
    cancelProgress = o.system.setTimer(tick, o.progressIntervalMs ?? 1000);
  };
  if (o.onProgress) cancelProgress = o.system.setTimer(tick, o.progressIntervalMs ?? 1000);

  let failedFinal = 0;
  let itemLogLines = 0;
  const logItem = (message: string) => {
    if (itemLogLines < MAX_ITEM_LOG_LINES) o.log.info(message);
    else if (itemLogLines === MAX_ITEM_LOG_LINES) o.log.info(`(further failures and retries are not logged one by one; see failures.json)`);
    itemLogLines++;
  };
  const runnerOptions = {
    handler: o.handler,
    system: o.system,
    maxAttempts: o.maxAttempts,
    backoff: o.backoff,
    itemTimeoutMs: o.itemTimeoutMs,
    abandonAfterMs: Math.min(2000, o.shutdownGraceMs),
    soft: stop.soft.signal,
    hard: stop.hard.signal,
    budget,
    idempotencyNamespace: o.idempotencyNamespace,
    onThrottle: o.onThrottle,
    onRetry: (item: Item, attempt: number, r: { kind: string; error: string }, delayMs: number) =>
      logItem(`↻ ${item.id}: attempt ${attempt} failed (${r.kind}): ${oneLine(r.error)}; retrying in ${Math.round(delayMs)}ms`),
  };

  const record = (item: Item, outcome: ItemOutcome) => {
    if (outcome.status === "done") {
      journal.append(doneLine(item.id));
      state.markDoneInRun(item.id);
      meter.succeeded++;
      return;
    }
    if (outcome.status === "cutoff") return;
    const prior = state.failures.get(item.id);
    const runs = (prior?.runs ?? 0) + 1;
    let kind: FailureKind = outcome.kind;
    if ((kind === "transient" || kind === "timeout") && runs >= o.maxRunsPerItem) kind = "quarantined";
    const now = iso(o.system);
    const rec: FailRecord = {
      t: "fail", id: item.id, kind, error: outcome.error, attempts: (prior?.attempts ?? 0) + outcome.attempts, runs,
      first: prior?.firstFailedAt ?? now, last: now, item: item.data,
      ...(o.shardLabel === undefined ? {} : { shard: o.shardLabel }),
    };
    journal.append(recordLine(rec));
    state.apply(rec);
    meter.failed++;
    if (kind === "permanent" || kind === "quarantined") failedFinal++;
    logItem(`✗ ${item.id}: ${oneLine(outcome.error)} (${kind}${kind === "quarantined" ? ` after failing in ${runs} runs` : ""}, ${rec.attempts} attempt(s))`);
    const finished = meter.succeeded + meter.failed;
    if (o.maxFailureRate !== undefined && finished >= MIN_ITEMS_FOR_FAILURE_RATE && meter.failed / finished > o.maxFailureRate) {
      if (!stop.soft.signal.aborted) {
        o.log.error(`${meter.failed} of ${finished} items failed (more than max-failure-rate ${o.maxFailureRate}): stopping early, something upstream looks broken`);
      }
      stop.request("failure-rate", o.shutdownGraceMs);
    }
  };

  try {
    await runPool({
      next,
      take,
      concurrency: o.concurrency,
      canStart: () => {
        if (stop.soft.signal.aborted) return false;
        if (budget.deadlineAtMs === undefined || budget.canStart(o.system.nowMs())) return true;
        stopForBudget(stop, o, budget);
        return false;
      },
      beforeStart: o.beforeStart ? () => o.beforeStart!(stop.soft.signal) : undefined,
      // A then, not an async function: one promise and frame less per item.
      work: (item) => {
        meter.inFlight++;
        const prior = state.failures.size === 0 ? undefined : state.failures.get(item.id);
        return runItem(item, prior?.attempts ?? 0, runnerOptions).then((outcome) => {
          meter.inFlight--;
          record(item, outcome);
        });
      },
    });
  } finally {
    cancelBudgetTimer?.();
    cancelProgress?.();
  }

  const processed = meter.succeeded + meter.failed;
  const notReached = pending - processed;
  const remaining = o.retryFailures ? notReached : pending - meter.succeeded - failedFinal;
  let stopReason: StopReason = stop.reason ?? "complete";
  if (stopReason === "budget" && notReached === 0) stopReason = "complete";
  const end = {
    t: "end", seq, at: iso(o.system), succeeded: meter.succeeded, failed: meter.failed, stopReason,
    ...(o.retryFailures ? {} : { total, remaining }),
  } as const;
  journal.append(recordLine(end));
  state.apply(end);
  journal.close();
  // Compacting at every end keeps what travels to the next run one snapshot and no journal.
  compactState(o.stateDir, state, generation, iso(o.system));
  writeFailuresFile(o.stateDir, state);
  o.onProgress?.(meter.snapshot(o.system.nowMs()));

  const exitCode =
    stopReason === "signal" ? (stop.signal === "SIGTERM" ? 143 : 130)
    : stopReason === "failure-rate" ? 4
    : stopReason === "budget" ? 3
    : meter.failed > 0 || heldFailed > 0 ? 1
    : 0;
  return {
    mode,
    processed,
    succeeded: meter.succeeded,
    failed: meter.failed,
    remaining,
    complete: remaining === 0,
    total,
    doneTotal: o.retryFailures ? state.doneCount : alreadyDone + meter.succeeded,
    failuresTotal: state.failures.size,
    stopReason,
    exitCode,
    durationMs: o.system.nowMs() - startedAtMs,
    seq,
    warnings,
  };
}

/** One line saying what a run did, for both adapters' logs. */
export function describeRunResult(r: RunBatchResult): string {
  const what = r.mode === "retry-failures" ? "retry-failures" : "run";
  return `${what}: ${r.processed} processed (${r.succeeded} succeeded, ${r.failed} failed) in ${formatDurationMs(r.durationMs)}; ` +
    (r.mode === "run" ? `${r.doneTotal}/${r.total} done overall, ${r.remaining} left` : `${r.failuresTotal} still failing`);
}

function stopForBudget(stop: StopController, o: RunBatchOptions, budget: Budget): void {
  if (!stop.soft.signal.aborted) {
    o.log.info("the time budget left would not cover another item: stopping here; the next run resumes");
    // In-flight items may finish, but not past the start of the reserve.
    stop.request("budget", Math.max(0, Math.min(o.shutdownGraceMs, budget.leftMs(o.system.nowMs()))));
  }
}

/**
 * The second pass: stream the source again, yielding only what this run should attempt.
 * @param notPending accepted first occurrences the first pass found done or held. A line
 * not yet handed out is pending now exactly when it was in the first pass (the state
 * changes during the run only for items this pass already handed out, each once; later
 * occurrences of an id are skipped), so once this many lines were skipped, every line left
 * is pending and the lookup in the done set — a cache miss per item at a million items —
 * is skipped. Earlier runs worked from the top, so that is usually early in the file.
 */
async function* pendingItems(
  source: SourceSpec, state: BatchState, accept: (id: string) => boolean, duplicateIds: ReadonlySet<string>, notPending: number,
): AsyncGenerator<Item[]> {
  let notPendingLeft = notPending;
  const isFirst = firstOccurrences(duplicateIds);
  for await (const batch of readSource(source)) {
    const items: Item[] = [];
    for (const entry of batch) {
      const item = entry.item;
      if (!item || !accept(item.id)) continue;
      if (duplicateIds.size > 0 && !isFirst(item)) continue;
      if (notPendingLeft > 0 && !isPending(state, item.id)) {
        notPendingLeft--;
        continue;
      }
      items.push(item);
    }
    if (items.length > 0) yield items;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return Infinity; // planSource reports the missing file
  }
}

function iso(system: System): string {
  return new Date(system.nowMs()).toISOString();
}

/**
 * One line for the log: a command's stderr tail usually names the cause on its last line,
 * so a multi-line reason shows its first and last lines (the whole text is in failures.json).
 */
function oneLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const line = lines.length <= 1 ? (lines[0] ?? "") : `${lines[0]} … ${lines[lines.length - 1]}`;
  return line.length > 240 ? line.slice(0, 240) + "…" : line;
}
