/** One unit of work, as read from the item source. */
export interface Item {
  /** Stable identity of the item: the id field's value, or the line itself for plain lines. */
  id: string;
  /** The item as the handler sees it (parsed JSON, a CSV row object, or the line string). */
  data: unknown;
  /** 1-based line of the source where the item starts (for error messages). */
  line: number;
  /**
   * The item's JSON exactly as the source wrote it (JSON Lines and JSON arrays), for
   * commands and workers: parsing loses digits of large numbers (12345678901234567890
   * would come back as 12345678901234567000) and the form of others (1.0, 1e3). Read it
   * through exactJson (input/exact-json.ts), which gives it only where that is so; items
   * kept for later hold it only then.
   */
  raw?: string;
}

/**
 * Why an item failed.
 * - transient: might succeed later (exit code listed as transient, network error, HTTP 408/429/5xx)
 * - permanent: will not succeed without a change (bad data, a bug): not retried in the same run
 * - timeout: the per-item timeout fired
 * - quarantined: kept failing transiently across too many runs; only retry-failures re-attempts it
 */
export type FailureKind = "transient" | "permanent" | "timeout" | "quarantined";

/** A failed item as kept in state and written to failures.json. */
export interface FailureRecord {
  id: string;
  /** The last error message (or the tail of a command's stderr). */
  error: string;
  kind: FailureKind;
  /** Attempts made across all runs so far. */
  attempts: number;
  /** Number of runs in which this item was attempted and failed. */
  runs: number;
  /** ISO 8601 timestamps. */
  firstFailedAt: string;
  lastFailedAt: string;
  /** The item itself, so a retry-failures pass needs no item source. */
  item: unknown;
  /**
   * The item's JSON exactly as the input wrote it (Item.raw), kept only when re-serialising
   * `item` would change it (a number beyond 2^53): a retry hands it to the handler. Not in failures.json.
   */
  raw?: string;
  /** Shard (`i/n`) that recorded it, when running sharded. */
  shard?: string;
}

/** What one run did, kept in state to show progress across runs. */
export interface RunRecord {
  /** Sequence number of the state this run produced (monotonic across runs). */
  seq: number;
  /** Where the run happened: GitHub run id and attempt, or "local". */
  runId: string;
  runAttempt: number;
  mode: "run" | "retry-failures";
  /** The pass the run worked in (absent in states from before passes: pass 1). */
  pass?: number;
  startedAt: string;
  endedAt?: string;
  succeeded: number;
  failed: number;
  /** Why the run stopped: complete, budget, signal, failure-rate, handler-error. */
  stopReason?: StopReason;
  /** Items in the source, and items a next run would attempt, as the run ended. */
  total?: number;
  remaining?: number;
  /** Items the run found changed since they were done (reprocess-changed). */
  changed?: number;
}

/** One pass over the items, as the history keeps it (and the current one, as it stands). */
export interface PassSummary {
  pass: number;
  /** ISO 8601: when the pass's first run started. */
  startedAt?: string;
  /** ISO 8601: when a run first found nothing left in the pass; absent while it runs. */
  completedAt?: string;
  /** Items done in the pass, and items failed in it, as it ended (or stands). */
  succeeded: number;
  failed: number;
  /** Runs that worked in the pass. */
  runs: number;
}

/**
 * failure-rate: max-failure-rate or max-consecutive-failures stopped it (exit 4);
 * handler-error: the handler could not run at all, no item was failed (exit 2).
 */
export type StopReason = "complete" | "budget" | "signal" | "failure-rate" | "handler-error";

/** The `failures.json` file: the reviewable failures, regenerated from state. */
export interface FailuresFile {
  failures: FailureRecord[];
  /** Failures grouped by normalised cause, largest first. */
  groups?: FailureGroup[];
  /** The pass these failures belong to (the current one). */
  pass?: number;
}

/** Failures sharing one normalised cause. */
export interface FailureGroup {
  /** The normalised message: numbers, ids, quoted values, hex and UUIDs folded away. */
  cause: string;
  count: number;
  /** The most common kind in the group. */
  kind: FailureKind;
  /** A few ids of items in the group. */
  exampleIds: string[];
  firstFailedAt: string;
  lastFailedAt: string;
}
