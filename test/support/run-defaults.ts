import type { RunBatchOptions } from "../../src/core/run/run-batch.js";

/**
 * The run options most engine tests share: one lane, three attempts, a 1 s backoff, no
 * reserve, run "1" attempt 1. A test spreads them first and then sets what it is about.
 */
export const RUN_DEFAULTS = {
  concurrency: 1,
  maxAttempts: 3,
  backoff: { baseMs: 1000, maxMs: 60_000 },
  shutdownGraceMs: 5000,
  reserveMs: 0,
  retryFailures: false,
  maxRunsPerItem: 5,
  runId: "1",
  runAttempt: 1,
  idempotencyNamespace: "",
  flushIntervalMs: 200,
} satisfies Partial<RunBatchOptions>;
