import { sleepMs, type System } from "./system.js";

/**
 * Spaces item starts evenly so they never exceed `count` per `perMs`, whatever the
 * concurrency. A server asking us to back off (Retry-After, 429) pauses every start,
 * not only the item that was told: the whole batch is one client to that server.
 */
export class RateLimiter {
  private nextStartAtMs = 0;
  private pausedUntilMs = 0;
  private readonly intervalMs: number;

  constructor(private readonly system: System, limit: { count: number; perMs: number } | undefined) {
    this.intervalMs = limit ? limit.perMs / limit.count : 0;
  }

  /** Waits for this start's slot; resolves false when `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      const now = this.system.nowMs();
      const slot = Math.max(this.nextStartAtMs, this.pausedUntilMs);
      if (slot <= now) {
        this.nextStartAtMs = Math.max(now, this.nextStartAtMs) + this.intervalMs;
        return true;
      }
      await sleepMs(this.system, slot - now, signal);
    }
  }

  /** Holds every start until `untilMs`. */
  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
  }

  get limited(): boolean {
    return this.intervalMs > 0;
  }
}
