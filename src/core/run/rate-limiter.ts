import { sleepMs, type System } from "../platform/system.js";

/**
 * Spaces item starts evenly so they never exceed `count` per `perMs`, whatever the
 * concurrency. A server asking us to back off (Retry-After, 429) pauses every start,
 * not only the item that was told: the whole batch is one client to that server.
 */
export class RateLimiter {
  private nextStartAtMs = 0;
  private pausedUntilMs = 0;
  private readonly intervalMs: number;

  constructor(
    private readonly system: System,
    limit: { count: number; perMs: number } | undefined,
  ) {
    this.intervalMs = limit ? limit.perMs / limit.count : 0;
  }

  /**
   * Takes this start's slot: `true` at once when it is free (no promise, no await: the
   * common case without a rate limit or a pause), else a promise that waits for it and
   * resolves false when `signal` aborts first.
   */
  acquire(signal: AbortSignal): boolean | Promise<boolean> {
    if (signal.aborted) return false;
    if (this.take(this.system.nowMs())) return true;
    return this.wait(signal);
  }

  private take(now: number): boolean {
    const slot = Math.max(this.nextStartAtMs, this.pausedUntilMs);
    if (slot > now) return false;
    if (this.intervalMs > 0) this.nextStartAtMs = Math.max(now, this.nextStartAtMs) + this.intervalMs;
    return true;
  }

  private async wait(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const now = this.system.nowMs();
      if (this.take(now)) return true;
      await sleepMs(this.system, Math.max(this.nextStartAtMs, this.pausedUntilMs) - now, signal);
    }
  }

  /** Holds every start until `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
  }
}
