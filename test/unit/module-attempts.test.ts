/**
 * A module's function through the whole run (runBatch and the item runner's direct call of
 * it, see DirectCall): what it returns, throws or rejects with becomes each item's outcome,
 * and nothing it does ends the run — not even an error whose classifying throws.
 */
import { describe, expect, it } from "vitest";
import { createModuleHandler, type ModuleFunction } from "../../src/core/handlers/module-handler.js";
import { readResults, type ResultRecord } from "../../src/core/outcomes/results-reader.js";
import { runBatch } from "../../src/core/run/run-batch.js";
import { TransientError } from "../../src/core/platform/errors.js";
import { BatchState } from "../../src/core/state/batch-state.js";
import { loadState } from "../../src/core/state/state-store.js";
import { FakeSystem } from "../support/fake-system.js";
import { batchSetup } from "../support/scripted-handler.js";

/** An error whose every property read throws: classifying it throws. */
const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error("no reading me");
    },
  },
);

describe("a module's function, item by item", () => {
  it("turns values, thenables, throws and rejections into outcomes; a run of them all ends normally", async () => {
    const system = new FakeSystem(0);
    const calls = new Map<string, number>();
    const fn: ModuleFunction = (data) => {
      const id = (data as { id: string }).id;
      calls.set(id, (calls.get(id) ?? 0) + 1);
      switch (id) {
        case "value":
          return { rows: 1 };
        case "thenable":
          return { then: (resolve: (v: unknown) => void) => resolve({ rows: 2 }) };
        case "sync-throw":
          throw new Error("bad row");
        case "hostile-throw":
          throw hostile;
        case "hostile-reject":
          return Promise.reject(hostile);
        case "flaky":
          return calls.get(id)! < 2 ? Promise.reject(new TransientError("503")) : Promise.resolve(undefined);
        default:
          return Promise.resolve({ rows: 0 });
      }
    };
    const ids = ["value", "thenable", "sync-throw", "hostile-throw", "hostile-reject", "flaky", "after"];
    const { options } = batchSetup(ids, {
      system,
      handler: createModuleHandler(fn, () => system.nowMs(), true),
      results: true,
      backoff: { baseMs: 10, maxMs: 10 },
    });
    const result = await system.runUntil(runBatch(options));
    expect([result.succeeded, result.failed]).toEqual([4, 3]);

    const state: BatchState = loadState(options.stateDir).state;
    const failure = (id: string) => {
      const f = state.failures.get(id)!;
      return [f.kind, f.error];
    };
    expect(failure("sync-throw")).toEqual(["permanent", "bad row"]);
    expect(failure("hostile-throw")).toEqual(["permanent", expect.stringContaining("handler crashed")]);
    expect(failure("hostile-reject")).toEqual(["permanent", expect.stringContaining("handler crashed")]);
    expect(calls.get("flaky")).toBe(2);

    const results: ResultRecord[] = [];
    for await (const batch of readResults(options.stateDir)) results.push(...batch);
    expect(results.map((r) => [r.id, r.result])).toEqual([
      ["value", { rows: 1 }],
      ["thenable", { rows: 2 }],
      ["flaky", undefined],
      ["after", { rows: 0 }],
    ]);
  });
});
