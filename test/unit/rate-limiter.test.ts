import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/core/run/rate-limiter.js";
import { FakeSystem } from "../support/fake-system.js";

describe("RateLimiter on virtual time", () => {
  it("spaces starts so they never exceed the rate, whatever the number of callers", async () => {
    const system = new FakeSystem(0);
    const limiter = new RateLimiter(system, { count: 10, perMs: 1000 });
    const starts: number[] = [];
    const never = new AbortController().signal;
    const lanes = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 5; i++) if (await limiter.acquire(never)) starts.push(system.nowMs());
    });
    await system.runUntil(Promise.all(lanes), 5);
    expect(starts).toHaveLength(40);
    starts.sort((a, b) => a - b);
    for (let i = 10; i < starts.length; i++) expect(starts[i]! - starts[i - 10]!).toBeGreaterThanOrEqual(1000);
    expect(starts.at(-1)).toBeLessThanOrEqual(3900 + 5);
  });

  it("pauses every start after a throttle, not only the throttled item's", async () => {
    const system = new FakeSystem(0);
    const limiter = new RateLimiter(system, { count: 100, perMs: 1000 });
    const never = new AbortController().signal;
    limiter.pauseUntil(5000);
    const at = system.runUntil(
      Promise.resolve(limiter.acquire(never)).then(() => system.nowMs()),
      10,
    );
    expect(await at).toBeGreaterThanOrEqual(5000);
  });

  it("resolves false when the run stops while waiting", async () => {
    const system = new FakeSystem(0);
    const limiter = new RateLimiter(system, { count: 1, perMs: 60_000 });
    const stop = new AbortController();
    expect(await limiter.acquire(stop.signal)).toBe(true);
    const waiting = limiter.acquire(stop.signal);
    await system.advance(100);
    stop.abort();
    expect(await waiting).toBe(false);
  });

  it("without a rate limit, answers at once (no promise) until a throttle pauses every start", async () => {
    const system = new FakeSystem(0);
    const limiter = new RateLimiter(system, undefined);
    const never = new AbortController().signal;
    for (let i = 0; i < 1000; i++) expect(limiter.acquire(never)).toBe(true);
    limiter.pauseUntil(2000);
    const waiting = limiter.acquire(never);
    expect(waiting).toBeInstanceOf(Promise);
    const startedAt = await system.runUntil(
      Promise.resolve(waiting).then(() => system.nowMs()),
      10,
    );
    expect(startedAt).toBeGreaterThanOrEqual(2000);
    expect(limiter.acquire(never)).toBe(true);
  });
});
