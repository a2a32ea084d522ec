import type { System } from "../../src/core/platform/system.js";

/**
 * A System on virtual time: timers fire only when the test advances the clock, so
 * backoff, budgets and grace periods are tested in microseconds, without real sleeps.
 */
export class FakeSystem implements System {
  private now: number;
  private timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  private seq = 0;
  private readonly randoms: number[];
  spawn: System["spawn"] = (() => {
    throw new Error("FakeSystem cannot spawn");
  }) as unknown as System["spawn"];

  constructor(startMs = 1_700_000_000_000, randoms: number[] = []) {
    this.now = startMs;
    this.randoms = [...randoms];
  }

  nowMs = (): number => this.now;

  random = (): number => (this.randoms.length > 0 ? this.randoms.shift()! : 0.5);

  setTimer = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.now + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Lets promise callbacks run (several turns, for chains of awaits). */
  async settle(turns = 20): Promise<void> {
    for (let i = 0; i < turns; i++) await Promise.resolve();
    await new Promise((r) => setImmediate(r));
  }

  /** Moves the clock forward, firing due timers in order and settling after each. */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
      await this.settle();
    }
    this.now = until;
    await this.settle();
  }

  /**
   * Advances until `done` settles (or gives up after maxMs of virtual time). A rejection
   * is thrown as it is: an engine exception must fail the test with its own message.
   */
  async runUntil<T>(done: Promise<T>, stepMs = 10, maxMs = 3_600_000): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    done.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    let elapsed = 0;
    await this.settle();
    while (outcome === undefined && elapsed < maxMs) {
      await this.advance(stepMs);
      elapsed += stepMs;
    }
    if (outcome === undefined) throw new Error(`did not finish within ${maxMs}ms of virtual time`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}
