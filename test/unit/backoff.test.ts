import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../src/core/run/backoff.js";

const policy = { baseMs: 1000, maxMs: 60_000 };

describe("backoffDelayMs", () => {
  it("doubles per failed attempt, scaled by jitter in [0.5, 1)", () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(500);
    expect(backoffDelayMs(1, policy, () => 0.999999)).toBe(1000);
    expect(backoffDelayMs(2, policy, () => 0)).toBe(1000);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(2000);
    expect(backoffDelayMs(4, policy, () => 1)).toBe(8000);
  });

  it("is capped at maxMs however many attempts failed", () => {
    expect(backoffDelayMs(7, policy, () => 1)).toBe(60_000);
    expect(backoffDelayMs(1000, policy, () => 1)).toBe(60_000);
    expect(backoffDelayMs(1000, policy, () => 0)).toBe(30_000);
  });

  it("spreads retries: different random draws give different delays", () => {
    const delays = new Set([0.1, 0.3, 0.6, 0.9].map((r) => backoffDelayMs(3, policy, () => r)));
    expect(delays.size).toBe(4);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThan(4000);
    }
  });

  it("never comes back sooner than Retry-After, even past the cap", () => {
    expect(backoffDelayMs(1, policy, () => 0, 5000)).toBe(5000);
    expect(backoffDelayMs(1, policy, () => 0, 120_000)).toBe(120_000);
    expect(backoffDelayMs(5, policy, () => 1, 100)).toBe(16_000);
  });
});
