import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../../src/core/run/exit-code.js";

describe("exitCodeFor", () => {
  it("is 0 when the run completed and nothing failed", () => {
    expect(exitCodeFor({ stopReason: "complete", failed: 0, heldFailed: 0 })).toBe(0);
  });

  it("is 1 when an item failed in this run or is held failed from an earlier one", () => {
    expect(exitCodeFor({ stopReason: "complete", failed: 2, heldFailed: 0 })).toBe(1);
    expect(exitCodeFor({ stopReason: "complete", failed: 0, heldFailed: 3 })).toBe(1);
  });

  it("is 3 when the time budget stopped the run with items left, failures or not", () => {
    expect(exitCodeFor({ stopReason: "budget", failed: 0, heldFailed: 0 })).toBe(3);
    expect(exitCodeFor({ stopReason: "budget", failed: 5, heldFailed: 1 })).toBe(3);
  });

  it("is 2 when the handler could not run at all (no item failed), whatever else happened", () => {
    expect(exitCodeFor({ stopReason: "handler-error", failed: 0, heldFailed: 2 })).toBe(2);
  });

  it("is 4 when the failure-rate stop ended the run", () => {
    expect(exitCodeFor({ stopReason: "failure-rate", failed: 20, heldFailed: 0 })).toBe(4);
  });

  it("is 130 for SIGINT and 143 for SIGTERM, as a shell reports them", () => {
    expect(exitCodeFor({ stopReason: "signal", signal: "SIGINT", failed: 1, heldFailed: 0 })).toBe(130);
    expect(exitCodeFor({ stopReason: "signal", signal: "SIGTERM", failed: 0, heldFailed: 0 })).toBe(143);
  });
});
