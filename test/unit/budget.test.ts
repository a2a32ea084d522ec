import { describe, expect, it } from "vitest";
import { Budget } from "../../src/core/run/budget.js";

describe("Budget", () => {
  it("without a deadline, always lets items start", () => {
    const b = new Budget(undefined, 1000);
    expect(b.canStart(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(b.leftMs(0)).toBe(Infinity);
  });

  it("before any item finished, only the reserve must fit", () => {
    const b = new Budget(10_000, 2000);
    expect(b.canStart(8000)).toBe(true);
    expect(b.canStart(8001)).toBe(false);
  });

  it("learns a typical item from durations and keeps room for one", () => {
    const b = new Budget(100_000, 1000);
    for (let i = 0; i < 100; i++) b.observe(3000);
    expect(b.typicalItemMs()).toBeCloseTo(3000, -1);
    expect(b.canStart(100_000 - 1000 - 3000 - 50)).toBe(true);
    expect(b.canStart(100_000 - 1000 - 3000 + 50)).toBe(false);
  });

  it("weighs spread: variable durations need more room than steady ones", () => {
    const steady = new Budget(0, 0);
    const jumpy = new Budget(0, 0);
    for (let i = 0; i < 100; i++) {
      steady.observe(1000);
      jumpy.observe(i % 2 === 0 ? 200 : 1800);
    }
    expect(jumpy.typicalItemMs()).toBeGreaterThan(steady.typicalItemMs() * 1.5);
  });

  it("follows drift: recent durations count most", () => {
    const b = new Budget(0, 0);
    for (let i = 0; i < 100; i++) b.observe(100);
    for (let i = 0; i < 60; i++) b.observe(5000);
    expect(b.typicalItemMs()).toBeGreaterThan(4500);
  });

  it("fitsWait accounts for the wait, an item and the reserve", () => {
    const b = new Budget(60_000, 5000);
    b.observe(1000);
    expect(b.fitsWait(0, 50_000)).toBe(true);
    expect(b.fitsWait(0, 55_000)).toBe(false);
  });
});
