import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptContext, AttemptResult, Handler } from "../../src/core/handlers/handler.js";
import { runBatch, type RunBatchOptions } from "../../src/core/run/run-batch.js";
import type { Item } from "../../src/core/platform/types.js";
import { RateLimiter } from "../../src/core/run/rate-limiter.js";
import { FakeSignals } from "../support/fake-signals.js";
import { FakeSystem } from "../support/fake-system.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";
import { waitUntil } from "../support/wait-until.js";
import { MAX_ERROR_BYTES } from "../../src/core/state/state-schema.js";
import { RUN_DEFAULTS } from "../support/run-defaults.js";

/** A handler on virtual time: each item takes durationMs, then answers what `script` says. */
function scriptedHandler(system: FakeSystem, script: (id: string, attempt: number) => AttemptResult, durationMs = 100) {
  const calls: Array<{ id: string; attempt: number; atMs: number; key: string }> = [];
  let inFlight = 0;
  let peak = 0;
  const handler: Handler = {
    run(item: Item, ctx: AttemptContext) {
      calls.push({ id: item.id, attempt: ctx.attempt, atMs: system.nowMs(), key: ctx.idempotencyKey });
      inFlight++;
      peak = Math.max(peak, inFlight);
      return new Promise((resolve) => {
        const cancel = system.setTimer(() => {
          inFlight--;
          resolve(script(item.id, ctx.attempt));
        }, durationMs);
        ctx.signal.addEventListener(
          "abort",
          () => {
            cancel();
            inFlight--;
            resolve({ ok: false, kind: "transient", error: "aborted" });
          },
          { once: true },
        );
      });
    },
  };
  return { handler, calls, peak: () => peak };
}

function setup(ids: string[], overrides: Partial<RunBatchOptions> & { system: FakeSystem; handler: Handler }) {
  const dir = runDir();
  const items = join(dir, "items.jsonl");
  writeFileSync(items, ids.map((id) => JSON.stringify({ id, payload: id.length })).join("\n") + "\n");
  const stops = new FakeSignals();
  const options: RunBatchOptions = {
    stateDir: join(dir, "state"),
    source: { path: items, label: items, format: "jsonl", idField: "id" },
    ...RUN_DEFAULTS,
    stops,
    log: { info() {}, warn() {}, error() {} },
    ...overrides,
  };
  return { dir, options, stops, failures: () => JSON.parse(readFileSync(join(dir, "state", "failures.json"), "utf8")) };
}

/** Real-time wait until the engine has read its items and started the first one. */
async function started(calls: unknown[]): Promise<void> {
  // Bounded by real time, not by a count of turns: on a loaded machine the reads take long.
  await waitUntil(() => calls.length > 0, "the run to start an item", 10_000, 1);
}

const runDir = tempDirsPerTest("rb-run-");
const ids = (n: number) => Array.from({ length: n }, (_, i) => `item-${i + 1}`);
const OK: AttemptResult = { ok: true };

describe("runBatch on virtual time", () => {
  it("retries a transient failure after exponential backoff, then succeeds", async () => {
    const system = new FakeSystem(0, [0, 0]);
    const h = scriptedHandler(system, (id, attempt) => (id === "item-2" && attempt < 3 ? { ok: false, kind: "transient", error: "503" } : OK));
    const { options } = setup(ids(3), { system, handler: h.handler });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 0, succeeded: 3, failed: 0, remaining: 0, complete: true });
    const tries = h.calls.filter((c) => c.id === "item-2");
    expect(tries.map((c) => c.attempt)).toEqual([1, 2, 3]);
    // attempt 1 ends at +100ms; backoff 1s·(0.5+0·0.5)=500ms; attempt 2 ends +100ms; backoff 2s·0.5=1000ms
    expect(tries[1]!.atMs - tries[0]!.atMs).toBe(600);
    expect(tries[2]!.atMs - tries[1]!.atMs).toBe(1100);
    expect(new Set(tries.map((t) => t.key)).size).toBe(1);
  });

  it("does not retry a permanent failure; records it and goes on (exit 1)", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id) => (id === "item-2" ? { ok: false, kind: "permanent", error: "bad data in field x" } : OK));
    const { options, failures } = setup(ids(4), { system, handler: h.handler });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 1, succeeded: 3, failed: 1, remaining: 0, complete: true });
    expect(h.calls.filter((c) => c.id === "item-2")).toHaveLength(1);
    const f = failures().failures;
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ id: "item-2", kind: "permanent", error: "bad data in field x", attempts: 1, item: { id: "item-2", payload: 6 } });
    expect(typeof f[0].firstFailedAt).toBe("string");
  });

  it("keeps at most MAX_ERROR_BYTES of a failure's error text, in the journal, the snapshot and failures.json", async () => {
    const system = new FakeSystem(0);
    const huge = "first line names it\n" + "界".repeat(30_000) + "\nlast line names it";
    const h = scriptedHandler(system, (id) => (id === "item-1" ? { ok: false, kind: "permanent", error: huge } : OK));
    const { options, failures, dir } = setup(ids(2), { system, handler: h.handler });
    await system.runUntil(runBatch(options));
    const error = failures().failures[0].error as string;
    expect(Buffer.byteLength(error)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(error).toMatch(/^first line names it\n[\s\S]*\nlast line names it$/);
    expect(readFileSync(join(dir, "state", "snapshot.json")).length).toBeLessThan(MAX_ERROR_BYTES + 2000);
  });

  it("gives up after max-attempts with the last transient reason", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (_id, attempt) => ({ ok: false, kind: "transient", error: `try ${attempt}` }));
    const { options, failures } = setup(ids(1), { system, handler: h.handler, maxAttempts: 4 });
    const result = await system.runUntil(runBatch(options));
    expect(result.exitCode).toBe(1);
    expect(failures().failures[0]).toMatchObject({ kind: "transient", error: "try 4", attempts: 4 });
    // transient failures are retried by the next normal run
    expect(result.remaining).toBe(1);
  });

  it("never runs more than `concurrency` items at once", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK);
    const { options } = setup(ids(40), { system, handler: h.handler, concurrency: 6 });
    await system.runUntil(runBatch(options));
    expect(h.peak()).toBe(6);
    expect(h.calls).toHaveLength(40);
  });

  it("stops on the time budget with items left (exit 3), and the next run resumes without repeats", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK, 1000);
    const { options } = setup(ids(20), { system, handler: h.handler, timeBudgetMs: 10_500, shutdownGraceMs: 500, reserveMs: 500 });
    // Virtual time must not run while the engine reads its items from disk (real I/O).
    const running = runBatch(options);
    await started(h.calls);
    const first = await system.runUntil(running);
    expect(first.exitCode).toBe(3);
    expect(first.stopReason).toBe("budget");
    // Items take 1 s each from t=0 (virtual time stands still until the first one started).
    // At 8 s the learned typical item (mean 1 s + 2 x deviation 0.24 s) plus the 0.5 s
    // reserve still fits the 2.5 s left; at 9 s it no longer fits 1.5 s: exactly 9 ran.
    expect(first.succeeded).toBe(9);
    expect(first.remaining).toBe(20 - first.succeeded);
    expect(first.durationMs).toBeLessThanOrEqual(10_500);
    const second = await system.runUntil(runBatch({ ...options, timeBudgetMs: undefined }));
    expect(second).toMatchObject({ exitCode: 0, succeeded: 20 - first.succeeded, complete: true });
    const counts = new Map<string, number>();
    for (const c of h.calls) counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("on SIGINT stops starting items, lets in-flight ones finish within the grace, exits 130", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK, 3000);
    const { options, stops, failures } = setup(ids(10), { system, handler: h.handler, concurrency: 2 });
    const run = runBatch(options);
    await started(h.calls);
    await system.advance(4000); // 2 done at 3000, 2 more in flight since 3000
    stops.fire("SIGINT");
    const result = await system.runUntil(run);
    expect(result).toMatchObject({ exitCode: 130, stopReason: "signal", succeeded: 4 });
    expect(h.calls).toHaveLength(4);
    expect(failures().failures).toEqual([]);
  });

  it("aborts in-flight items after the grace; cut-off items are not failures", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK, 60_000);
    const { options, stops, failures } = setup(ids(3), { system, handler: h.handler, concurrency: 3, shutdownGraceMs: 5000 });
    const run = runBatch(options);
    await started(h.calls);
    await system.advance(1000);
    stops.fire("SIGTERM");
    const result = await system.runUntil(run);
    expect(result).toMatchObject({ exitCode: 143, succeeded: 0, failed: 0, remaining: 3 });
    expect(result.durationMs).toBeLessThanOrEqual(1000 + 5000 + 50);
    expect(failures().failures).toEqual([]);
  });

  it("a handler that ignores its abort signal is walked away from shortly after the grace; the others finish", async () => {
    const system = new FakeSystem(0);
    const calls: Array<{ id: string }> = [];
    // item-1 never settles and never listens to ctx.signal; the others take 100 ms.
    const handler: Handler = {
      run(item: Item) {
        calls.push({ id: item.id });
        if (item.id === "item-1") return new Promise<AttemptResult>(() => {});
        return new Promise((resolve) => system.setTimer(() => resolve(OK), 100));
      },
    };
    const { options, stops, failures } = setup(ids(4), { system, handler, concurrency: 2, shutdownGraceMs: 1000 });
    const run = runBatch(options);
    await started(calls);
    await system.advance(250);
    stops.fire("SIGINT");
    const result = await system.runUntil(run);
    expect(result).toMatchObject({ exitCode: 130, failed: 0 });
    expect(result.succeeded).toBeGreaterThanOrEqual(2);
    // Grace (1 s) + abandon delay (min(2 s, grace) = 1 s), from the signal at 250 ms.
    expect(result.durationMs).toBeGreaterThanOrEqual(250 + 1000 + 1000);
    expect(result.durationMs).toBeLessThanOrEqual(250 + 1000 + 1000 + 50);
    expect(failures().failures).toEqual([]); // cut off, not failed: the next run takes it
  });

  it("a second signal skips the grace", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK, 60_000);
    const { options, stops } = setup(ids(2), { system, handler: h.handler, concurrency: 2, shutdownGraceMs: 30_000 });
    const run = runBatch(options);
    await started(h.calls);
    await system.advance(100);
    stops.fire("SIGINT");
    await system.advance(100);
    stops.fire("SIGINT");
    const result = await system.runUntil(run);
    expect(result.durationMs).toBeLessThan(1000);
    expect(result.exitCode).toBe(130);
  });

  it("a retry waiting in backoff is cut off by a stop, not recorded as failed", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => ({ ok: false, kind: "transient", error: "503" }));
    const { options, stops, failures } = setup(ids(1), { system, handler: h.handler, backoff: { baseMs: 30_000, maxMs: 60_000 } });
    const run = runBatch(options);
    await started(h.calls);
    await system.advance(1000);
    stops.fire("SIGINT");
    const result = await system.runUntil(run);
    expect(result).toMatchObject({ exitCode: 130, failed: 0, remaining: 1 });
    expect(failures().failures).toEqual([]);
  });

  it("retry-failures re-attempts only failed items: recovered ones leave failures.json, others keep a new reason", async () => {
    const system = new FakeSystem(0);
    let fixed = false;
    const h = scriptedHandler(system, (id, attempt) => {
      if (id === "item-2") return fixed ? OK : { ok: false, kind: "permanent", error: "bad" };
      if (id === "item-4") return { ok: false, kind: "permanent", error: `still bad (attempt ${attempt})` };
      return OK;
    });
    const { options, failures } = setup(ids(5), { system, handler: h.handler });
    await system.runUntil(runBatch(options));
    expect(failures().failures.map((f: { id: string }) => f.id)).toEqual(["item-2", "item-4"]);
    fixed = true;
    h.calls.length = 0;
    const retry = await system.runUntil(runBatch({ ...options, retryFailures: true, source: undefined }));
    expect(h.calls.map((c) => c.id).sort()).toEqual(["item-2", "item-4"]);
    expect(retry).toMatchObject({ mode: "retry-failures", exitCode: 1, succeeded: 1, failed: 1 });
    const after = failures().failures;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: "item-4", attempts: 2, error: "still bad (attempt 2)" });
    expect(after[0].firstFailedAt <= after[0].lastFailedAt).toBe(true);
  });

  it("quarantines an item that fails transiently in max-runs-per-item runs; normal runs then skip it", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id) => (id === "item-1" ? { ok: false, kind: "transient", error: "upstream 503" } : OK));
    const { options, failures } = setup(ids(2), { system, handler: h.handler, maxAttempts: 1, maxRunsPerItem: 3 });
    for (let run = 1; run <= 3; run++) await system.runUntil(runBatch({ ...options, runId: String(run) }));
    expect(failures().failures[0]).toMatchObject({ id: "item-1", kind: "quarantined", attempts: 3 });
    h.calls.length = 0;
    const fourth = await system.runUntil(runBatch({ ...options, runId: "4" }));
    expect(h.calls).toHaveLength(0);
    expect(fourth).toMatchObject({ exitCode: 1, complete: true });
    const retry = await system.runUntil(runBatch({ ...options, runId: "5", retryFailures: true }));
    expect(h.calls.map((c) => c.id)).toEqual(["item-1"]);
    expect(retry.failed).toBe(1);
  });

  it("stops early when the failure rate passes max-failure-rate (exit 4)", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => ({ ok: false, kind: "permanent", error: "HTTP 500 from upstream" }));
    const { options } = setup(ids(200), { system, handler: h.handler, maxFailureRate: 0.2 });
    const result = await system.runUntil(runBatch(options));
    expect(result.exitCode).toBe(4);
    expect(result.stopReason).toBe("failure-rate");
    expect(result.processed).toBeLessThan(30);
    expect(result.remaining).toBeGreaterThan(150);
  });

  it("an item timeout aborts the attempt and counts as a timeout, retried", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK, 10_000);
    const { options, failures } = setup(ids(1), { system, handler: h.handler, itemTimeoutMs: 1000, maxAttempts: 2 });
    const result = await system.runUntil(runBatch(options));
    expect(result.failed).toBe(1);
    expect(h.calls).toHaveLength(2);
    expect(failures().failures[0]).toMatchObject({ kind: "timeout", attempts: 2 });
    expect(failures().failures[0].error).toMatch(/timed out after 1000ms/);
  });

  it("only this shard's items run when `accept` filters", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK, 1);
    const { options } = setup(ids(30), { system, handler: h.handler, accept: (id) => Number(id.split("-")[1]) % 3 === 0 });
    const result = await system.runUntil(runBatch(options));
    expect(result.total).toBe(10);
    expect(h.calls.every((c) => Number(c.id.split("-")[1]) % 3 === 0)).toBe(true);
  });

  it("a 429 with Retry-After from one item holds every item's start, not only that item's", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id, attempt) =>
      id === "item-1" && attempt === 1 ? { ok: false, kind: "transient", error: "HTTP 429", retryAfterMs: 5000, throttled: true } : OK,
    );
    const limiter = new RateLimiter(system, undefined);
    const { options } = setup(ids(6), {
      system,
      handler: h.handler,
      concurrency: 2,
      beforeStart: (signal) => limiter.acquire(signal),
      onThrottle: (delayMs) => limiter.pauseUntil(system.nowMs() + delayMs),
    });
    const result = await system.runUntil(runBatch(options));
    expect(result.succeeded).toBe(6);
    // item-1 and item-2 start at 0; item-1's 429 arrives at 100 and asks for 5 s.
    const laterStarts = h.calls.filter((c) => !["item-1", "item-2"].includes(c.id) || c.attempt > 1);
    expect(laterStarts.length).toBeGreaterThan(0);
    for (const c of laterStarts) expect(c.atMs, c.id).toBeGreaterThanOrEqual(5100);
  });

  it("ctx.stopping fires at the first signal, ctx.signal only when the grace ends", async () => {
    const system = new FakeSystem(0);
    const seen: Record<string, number> = {};
    const calls: unknown[] = [];
    const handler: Handler = {
      run(_item, ctx) {
        calls.push(ctx.id);
        ctx.stopping.addEventListener("abort", () => (seen.stopping = system.nowMs()));
        return new Promise((resolve) => {
          ctx.signal.addEventListener("abort", () => {
            seen.signal = system.nowMs();
            resolve({ ok: false, kind: "transient", error: "aborted" });
          });
        });
      },
    };
    const { options, stops } = setup(ids(1), { system, handler, shutdownGraceMs: 5000 });
    const run = runBatch(options);
    await started(calls);
    await system.advance(1000);
    stops.fire("SIGINT");
    const result = await system.runUntil(run);
    expect(seen).toEqual({ stopping: 1000, signal: 6000 });
    expect(result).toMatchObject({ exitCode: 130, failed: 0 });
  });
});

describe("runBatch: one pass (items kept) and two passes (source read again) agree", () => {
  // Large sources are read twice instead of being kept in memory; both paths must hand the
  // handler the same items in the same order: duplicates skipped, done and held items left.
  async function scenario(retainItemsMaxBytes: number | undefined) {
    const system = new FakeSystem(0);
    const list = [...ids(40), "item-3", "item-7", ...ids(60).slice(40), "item-41"];
    const h = scriptedHandler(system, (id) => (id === "item-5" || id === "item-44" ? { ok: false, kind: "permanent", error: "bad" } : OK), 100);
    const { options } = setup(list, { system, handler: h.handler, retainItemsMaxBytes, accept: (id) => id !== "item-9" });
    // First run: stopped by the budget part-way, so the second starts with done and held items.
    const firstRun = runBatch({ ...options, timeBudgetMs: 2_050, reserveMs: 0, shutdownGraceMs: 0 });
    await started(h.calls);
    const first = await system.runUntil(firstRun);
    const callsBefore = h.calls.length;
    const second = await system.runUntil(runBatch(options));
    return { first, second, secondCalls: h.calls.slice(callsBefore).map((c) => c.id) };
  }

  it("on a resume with duplicates, done items, held failures and a shard filter", async () => {
    const kept = await scenario(undefined);
    const reread = await scenario(0);
    expect(kept.first.stopReason).toBe("budget");
    expect(kept.first.succeeded).toBeGreaterThan(5);
    expect(kept.secondCalls).not.toContain("item-5"); // held: failed permanently in the first run
    expect(kept.secondCalls).not.toContain("item-9"); // not this shard's
    expect(new Set(kept.secondCalls).size).toBe(kept.secondCalls.length); // duplicates skipped
    expect(kept.second).toMatchObject({ exitCode: 1, failed: 1, remaining: 0 }); // item-44 failed for good
    expect(reread.secondCalls).toEqual(kept.secondCalls);
    const comparable = (r: typeof kept.second) => ({ ...r, durationMs: 0, warnings: r.warnings.map((w) => w.replace(/\/tmp\/rb-run-\w+/g, "")) });
    expect(comparable(reread.second)).toEqual(comparable(kept.second));
    expect(kept.second.warnings.join()).toContain("3 duplicate id(s) skipped");
  });
});
