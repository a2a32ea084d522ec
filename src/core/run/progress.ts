/** Counters of a run, read by the adapters' progress displays. */
export interface ProgressSnapshot {
  /** Items this run will try (pending at start). */
  total: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  /** Items not yet finished in this run. */
  left: number;
  /** Items finished per second over the last few seconds. */
  ratePerSec: number;
  /** Estimated time to finish the rest at that rate; undefined until a rate is known. */
  etaMs: number | undefined;
  elapsedMs: number;
}

/**
 * Rate over a sliding window: samples of (time, finished) taken at each read; the rate is
 * the change across the window, so it follows the current speed, not the run's average.
 */
export class ProgressMeter {
  succeeded = 0;
  failed = 0;
  inFlight = 0;
  private readonly samples: Array<{ atMs: number; finished: number }> = [];

  constructor(
    readonly total: number,
    private readonly startedAtMs: number,
    private readonly windowMs = 10_000,
  ) {}

  snapshot(nowMs: number): ProgressSnapshot {
    const finished = this.succeeded + this.failed;
    this.samples.push({ atMs: nowMs, finished });
    while (this.samples.length > 2 && nowMs - this.samples[0]!.atMs > this.windowMs) this.samples.shift();
    const oldest = this.samples[0]!;
    const spanMs = nowMs - oldest.atMs;
    const elapsedMs = nowMs - this.startedAtMs;
    let ratePerSec = spanMs > 0 ? ((finished - oldest.finished) * 1000) / spanMs : 0;
    if (ratePerSec === 0 && elapsedMs > 0 && this.samples.length <= 2) ratePerSec = (finished * 1000) / elapsedMs;
    const left = Math.max(0, this.total - finished);
    return {
      total: this.total,
      succeeded: this.succeeded,
      failed: this.failed,
      inFlight: this.inFlight,
      left,
      ratePerSec,
      etaMs: ratePerSec > 0 ? (left / ratePerSec) * 1000 : undefined,
      elapsedMs,
    };
  }
}
