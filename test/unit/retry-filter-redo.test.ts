import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptResult } from "../../src/core/handlers/handler.js";
import { parseRunSettings } from "../../src/core/config/settings.js";
import { retryFilterPredicate } from "../../src/core/config/retry-settings.js";
import { readOutcomes } from "../../src/core/outcomes/outcome-files.js";
import { viewOf, type OutcomeView } from "../../src/core/outcomes/outcome-lines.js";
import { readResults } from "../../src/core/outcomes/results-reader.js";
import { runBatch, type RunBatchOptions } from "../../src/core/run/run-batch.js";
import { loadState } from "../../src/core/state/state-store.js";
import type { FailureRecord } from "../../src/core/platform/types.js";
import { FakeSystem } from "../support/fake-system.js";
import { batchSetup, scriptedHandler } from "../support/scripted-handler.js";

const failuresOf = (stateDir: string): FailureRecord[] => JSON.parse(readFileSync(join(stateDir, "failures.json"), "utf8")).failures;

/** A first run where a fails with HTTP 503 (transient), b with HTTP 404 (permanent), c times out; d succeeds. */
async function withFailures() {
  const system = new FakeSystem(0);
  let fixed = false;
  const h = scriptedHandler(system, (id): AttemptResult =>
    fixed || id === "d"
      ? { ok: true }
      : id === "a"
        ? { ok: false, kind: "transient", error: "HTTP 503 from api" }
        : id === "b"
          ? { ok: false, kind: "permanent", error: "HTTP 404 for /users/b" }
          : { ok: false, kind: "timeout", error: "timed out after 5000ms" },
  );
  const { options, dir } = batchSetup(["a", "b", "c", "d"], { system, handler: h.handler, maxAttempts: 1 });
  await system.runUntil(runBatch(options));
  fixed = true;
  return { system, h, options, dir, before: failuresOf(options.stateDir) };
}

async function retryWith(setup: Awaited<ReturnType<typeof withFailures>>, filterText: string) {
  const { system, options, dir } = setup;
  const filter = parseRunSettings({ "retry-failures": true, "retry-filter": filterText, run: "x" }, (k) => `--${k}`).retryFilter!;
  const predicate = await retryFilterPredicate(filter.by === "ids" ? { by: "ids", file: join(dir, filter.file) } : filter, "--retry-filter");
  const calls = setup.h.calls.length;
  const retry: RunBatchOptions = { ...options, runId: "2", retryFailures: true, source: undefined, retryFilter: predicate };
  const result = await system.runUntil(runBatch(retry));
  return { result, attempted: setup.h.calls.slice(calls).map((c) => c.id), after: failuresOf(options.stateDir) };
}

describe("retrying a chosen part of the failures", () => {
  it("cause:TEXT re-attempts the failures whose reason contains the text; the rest stay in failures.json untouched", async () => {
    const s = await withFailures();
    const { attempted, after, result } = await retryWith(s, "cause:http 503");
    expect(attempted).toEqual(["a"]);
    expect(result).toMatchObject({ succeeded: 1, failed: 0, remaining: 0 });
    expect(after).toEqual(s.before.filter((f) => f.id !== "a"));
  });

  it("kind:KIND re-attempts the failures of that kind", async () => {
    const s = await withFailures();
    const { attempted, after } = await retryWith(s, "kind:timeout");
    expect(attempted).toEqual(["c"]);
    expect(after.map((f) => f.id)).toEqual(["a", "b"]);
  });

  it("a file path re-attempts the failures it lists (one id a line, # comments)", async () => {
    const s = await withFailures();
    writeFileSync(join(s.dir, "ids.txt"), "# reviewed\nb\n\nnot-failed\n");
    const { attempted, after } = await retryWith(s, "ids.txt");
    expect(attempted).toEqual(["b"]);
    expect(after.map((f) => f.id)).toEqual(["a", "c"]);
  });

  it("refuses a filter without retry-failures, an unknown kind, and a missing ids file", async () => {
    const nameOf = (k: string) => `--${k}`;
    expect(() => parseRunSettings({ items: "x", run: "x", "retry-filter": "kind:transient" }, nameOf)).toThrow(
      /--retry-filter chooses which failures to re-attempt: it needs --retry-failures/,
    );
    expect(() => parseRunSettings({ "retry-failures": true, run: "x", "retry-filter": "kind:sometimes" }, nameOf)).toThrow(
      /'sometimes' is not a failure kind; one of transient, permanent, timeout, quarantined/,
    );
    await expect(retryFilterPredicate({ by: "ids", file: "/nonexistent/ids.txt" }, "--retry-filter")).rejects.toThrow(
      /--retry-filter: cannot read \/nonexistent\/ids.txt \(ENOENT\)/,
    );
  });
});

describe("redo-ids", () => {
  it("processes the listed done items again with a new idempotency key, recorded as redone; the others stay done", async () => {
    const system = new FakeSystem(0);
    let round = 1;
    const h = scriptedHandler(system, (id) => ({ ok: true, result: `${id}@${round}` }));
    const { options } = batchSetup(["a", "b"], { system, handler: h.handler, results: true });
    await system.runUntil(runBatch(options));
    round = 2;
    const result = await system.runUntil(runBatch({ ...options, runId: "2", redoIds: new Set(["a", "never-done"]) }));
    expect(result).toMatchObject({ processed: 1, succeeded: 1 });
    const calls = h.calls.filter((c) => c.id === "a");
    expect(calls).toHaveLength(2);
    expect(calls[1]!.key).not.toBe(calls[0]!.key);
    expect(h.calls.filter((c) => c.id === "b")).toHaveLength(1);

    const log: OutcomeView[] = [];
    for await (const batch of readOutcomes(options.stateDir)) log.push(...batch.map(({ line, header }) => viewOf(line, header)));
    expect(log.map((o) => [o.id, o.redone ?? false])).toEqual([
      ["a", false],
      ["b", false],
      ["a", true],
    ]);
    const results = [];
    for await (const batch of readResults(options.stateDir)) results.push(...batch);
    expect(results.map((r) => [r.id, r.result, r.redone])).toEqual([
      ["b", "b@1", undefined],
      ["a", "a@2", true],
    ]);
    expect([...loadState(options.stateDir).state.done].sort()).toEqual(["a", "b"]);
  });

  it("leaves a redo item done when the run stops before reaching it", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => ({ ok: true }));
    const { options } = batchSetup(["a", "b"], { system, handler: h.handler });
    await system.runUntil(runBatch(options));
    const stopped = await system.runUntil(runBatch({ ...options, runId: "2", redoIds: new Set(["a"]), timeBudgetMs: 1 }));
    expect(stopped.processed).toBe(0);
    expect([...loadState(options.stateDir).state.done].sort()).toEqual(["a", "b"]);
  });
});
