/**
 * Time budget arithmetic. The run stops starting items when what is left would not
 * cover a typical item plus the reserve (time to stop and save). "Typical" is learned
 * from the durations seen: a moving mean plus twice the moving mean deviation, which
 * follows a drifting API latency without keeping every sample.
 */
export class Budget {
  private meanMs = 0;
  private deviationMs = 0;
  private samples = 0;

  /**
   * @param deadlineAtMs when the run must be finished, stopping and saving included; undefined: no budget
   * @param reserveMs what stopping needs once the last item is done (flush, compaction, save)
   */
  constructor(
    readonly deadlineAtMs: number | undefined,
    readonly reserveMs: number,
  ) {}

  /** Smoothing factor of the moving averages: about the last 20 items weigh most. */
  private static readonly ALPHA = 0.1;

  observe(durationMs: number): void {
    if (this.samples === 0) {
      this.meanMs = durationMs;
      this.deviationMs = durationMs / 2;
    } else {
      const error = durationMs - this.meanMs;
      this.meanMs += Budget.ALPHA * error;
      this.deviationMs += Budget.ALPHA * (Math.abs(error) - this.deviationMs);
    }
    this.samples++;
  }

  /** What an item is expected to take, at the high end; 0 before any item finished. */
  typicalItemMs(): number {
    return this.samples === 0 ? 0 : this.meanMs + 2 * this.deviationMs;
  }

  /** Whether an item started now is expected to finish before the reserve begins. */
  canStart(nowMs: number): boolean {
    if (this.deadlineAtMs === undefined) return true;
    return nowMs + this.typicalItemMs() + this.reserveMs <= this.deadlineAtMs;
  }

  /** Whether waiting waitMs and then running one more attempt still fits. */
  fitsWait(nowMs: number, waitMs: number): boolean {
    if (this.deadlineAtMs === undefined) return true;
    return nowMs + waitMs + this.typicalItemMs() + this.reserveMs <= this.deadlineAtMs;
  }

  /** Milliseconds left before the reserve begins (Infinity without a budget). */
  leftMs(nowMs: number): number {
    return this.deadlineAtMs === undefined ? Infinity : this.deadlineAtMs - this.reserveMs - nowMs;
  }
}
