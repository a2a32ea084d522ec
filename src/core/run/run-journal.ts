import { join } from "node:path";
import type { BatchState } from "../state/batch-state.js";
import { writeFailuresFile } from "../state/failures-file.js";
import { recordLine, type PassRecordLine, type StartRecord } from "../state/journal-records.js";
import { JournalWriter } from "../state/journal-writer.js";
import { compactState, journalFileName, loadState } from "../state/state-store.js";
import { ConfigError, errorMessage, StateError, StateWriteError } from "../platform/errors.js";
import type { JournalFs } from "../state/journal-writer.js";
import type { StopController } from "./stop-controller.js";
import type { Logger } from "../platform/logger.js";
import { isoNow, type System } from "../platform/system.js";
import type { StopReason } from "../platform/types.js";

/** Compact at load when the journal replayed on top of the snapshot is larger than this. */
const COMPACT_AT_LOAD_BYTES = 4 * 1024 * 1024;

export interface RunJournalOptions {
  stateDir: string;
  runId: string;
  runAttempt: number;
  flushIntervalMs: number;
  /** `repeat`, recorded with the run so `status` can tell when the next pass starts. */
  repeatMs?: number;
  system: System;
  log: Logger;
  /** The journal's write (tests inject a failing one: a full disk). */
  journalFs?: JournalFs;
}

/** The state as loaded from the folder, before this run starts writing to it. */
export interface CheckpointAtStart {
  state: BatchState;
  /** Generation of the snapshot this run's journal follows. */
  generation: number;
  warnings: string[];
}

/** A run under way: its journal is open and its start record written. */
export interface OpenRun {
  mode: "run" | "retry-failures";
  /** Sequence number of the state this run produces. */
  seq: number;
  state: BatchState;
  generation: number;
  journal: JournalWriter;
}

/** Loads the checkpoint (snapshot and journal) and compacts it first when the journal grew large. */
export function loadCheckpoint(options: RunJournalOptions): CheckpointAtStart {
  const loaded = loadState(options.stateDir);
  for (const warning of loaded.warnings) options.log.warn(warning);
  let generation = loaded.generation;
  if (loaded.journalBytes > COMPACT_AT_LOAD_BYTES) {
    generation = asStateWrite(options.stateDir, () => compactState(options.stateDir, loaded.state, generation, isoNow(options.system)));
  }
  return { state: loaded.state, generation, warnings: [...loaded.warnings] };
}

/**
 * Opens the run's journal and writes its start record, flushed at once; when the run
 * started a new pass (already applied to the state in memory), its pass record first. A
 * journal write that fails later (a full disk) stops the run at once (`writes`): nothing
 * more can be recorded.
 */
export function beginRun(
  options: RunJournalOptions,
  checkpoint: CheckpointAtStart,
  mode: OpenRun["mode"],
  writes: StateWrites,
  passStarted?: PassRecordLine,
): OpenRun {
  const { state, generation } = checkpoint;
  const seq = state.origin.seq + 1;
  const path = join(options.stateDir, journalFileName(generation));
  const journal = new JournalWriter(path, options.system, options.flushIntervalMs, undefined, writes.onError, options.journalFs);
  if (passStarted) journal.append(recordLine(passStarted));
  const start: StartRecord = {
    t: "start",
    seq,
    runId: options.runId,
    runAttempt: options.runAttempt,
    mode,
    at: isoNow(options.system),
    pass: state.pass,
    ...(options.repeatMs === undefined ? {} : { repeatMs: options.repeatMs }),
  };
  journal.append(recordLine(start));
  state.apply(start);
  journal.flush();
  if (journal.failure !== undefined) throw new StateWriteError(options.stateDir, journal.failure);
  return { mode, seq, state, generation, journal };
}

/** What the end record says about the run. */
export interface RunTotals {
  succeeded: number;
  failed: number;
  stopReason: StopReason;
  /** Normal runs only: distinct items in the source, and those a next run would attempt. */
  source?: { total: number; remaining: number };
  /** Items found changed since they were done (reprocess-changed), when any. */
  changed?: number;
}

/**
 * Writes the end record and leaves the folder as the next run expects it: journal closed,
 * compacted into one snapshot, failures.json written.
 */
export function endRun(options: RunJournalOptions, run: OpenRun, totals: RunTotals): void {
  const { state, journal } = run;
  const end = {
    t: "end",
    seq: run.seq,
    at: isoNow(options.system),
    succeeded: totals.succeeded,
    failed: totals.failed,
    stopReason: totals.stopReason,
    ...totals.source,
    ...(totals.changed ? { changed: totals.changed } : {}),
  } as const;
  journal.append(recordLine(end));
  state.apply(end);
  journal.close();
  if (journal.failure !== undefined) throw new StateWriteError(options.stateDir, journal.failure);
  asStateWrite(options.stateDir, () => {
    // Compacting at every end keeps what travels to the next run one snapshot and no journal.
    compactState(options.stateDir, state, run.generation, isoNow(options.system));
    writeFailuresFile(options.stateDir, state);
  });
}

/**
 * Watches the run's appended files (the journal, the job log): the first write that fails
 * (a full disk) stops the run at once, since nothing more could be recorded.
 */
export class StateWrites {
  /** The first write error, once one happened. */
  failure: unknown;
  constructor(
    private readonly log: Logger,
    private readonly stop: StopController,
  ) {}
  readonly onError = (error: unknown): void => {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.log.error(`cannot write the state folder: ${errorMessage(error)}; stopping now (in-flight items are stopped: they run again next time)`);
    this.stop.request("state-write", 0);
  };
}

/**
 * Ends a run whose state folder could not be written: the journal as written (whole lines
 * up to the failed write) is the consistent state; nothing is compacted over it.
 */
export function abandonRun(options: RunJournalOptions, run: OpenRun, failure: unknown): never {
  run.journal.close();
  throw new StateWriteError(options.stateDir, failure ?? run.journal.failure);
}

/** Runs a write to the state folder; a file system error becomes a StateWriteError (exit 5). */
export function asStateWrite<T>(stateDir: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StateError || typeof (error as NodeJS.ErrnoException).code !== "string") throw error;
    throw new StateWriteError(stateDir, error);
  }
}
