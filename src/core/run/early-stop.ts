import type { StopReason } from "../platform/types.js";

/** Default of `max-consecutive-failures` in a normal run (a retry-failures pass: off). */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 25;

export interface EarlyStopOptions {
  /** Failures in a row, with no success yet in this run, that stop it; 0 never stops. */
  maxConsecutiveFailures: number;
  /** Asks the run to stop, with why (for the log, the summary and the step's error). */
  stop: (reason: Extract<StopReason, "handler-error" | "failure-rate">, message: string) => void;
}

/**
 * Stops a run that cannot do anything useful before it burns its budget or marks a whole
 * list failed for a reason that has nothing to do with the items:
 * - the handler cannot run at all (a setup failure): stop at the first one, the item stays
 *   pending;
 * - N items in a row failed and none succeeded in this run: something upstream is broken.
 * Once an item succeeded, the handler demonstrably works: failures are the items' own.
 */
export class EarlyStop {
  private consecutiveFailures = 0;
  private anySuccess = false;
  /** Why the run stopped early, once it did. */
  message: string | undefined;

  constructor(private readonly o: EarlyStopOptions) {}

  succeeded(): void {
    this.anySuccess = true;
    this.consecutiveFailures = 0;
  }

  failed(): void {
    this.consecutiveFailures++;
    const max = this.o.maxConsecutiveFailures;
    if (this.anySuccess || max === 0 || this.consecutiveFailures < max || this.message !== undefined) return;
    this.message =
      `${this.consecutiveFailures} items in a row failed and none succeeded in this run ` +
      `(max-consecutive-failures ${max}): stopping early, the handler or something it needs looks broken. ` +
      "Finished work is saved; fix the cause (see failures.json), then run again";
    this.o.stop("failure-rate", this.message);
  }

  /** The handler cannot run (see SetupFailure); `id` is the item it was trying. */
  setup(id: string, error: string): void {
    if (this.message !== undefined) return;
    this.message = `${error}. Stopped at item ${JSON.stringify(id)}; no item was marked failed, run again once it is fixed`;
    this.o.stop("handler-error", this.message);
  }
}
