/**
 * The run loop against handlers and disks that misbehave: a handler that cannot run at all
 * (a setup failure), a run of failures with no success, an item nothing can serialise, a
 * handler that throws, a journal write that fails, a retry the budget cannot fit.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptContext, AttemptResult, Handler } from "../../src/core/handlers/handler.js";
import { StateWriteError } from "../../src/core/platform/errors.js";
import type { Item } from "../../src/core/platform/types.js";
import { runBatch, type RunBatchOptions } from "../../src/core/run/run-batch.js";
import type { StopSource } from "../../src/core/run/stop-controller.js";
import { loadState } from "../../src/core/state/state-store.js";
import { FakeSystem } from "../support/fake-system.js";
import { waitUntil } from "../support/wait-until.js";
import { RUN_DEFAULTS } from "../support/run-defaults.js";

const noStops: StopSource = { subscribe: () => () => {} };

/** A handler on virtual time: each attempt takes 100 ms, then answers what `script` says. */
function scripted(system: FakeSystem, script: (item: Item, ctx: AttemptContext) => AttemptResult) {
  const calls: string[] = [];
  const handler: Handler = {
    run(item, ctx) {
      calls.push(item.id);
      return new Promise((resolve) => system.setTimer(() => resolve(script(item, ctx)), 100));
    },
  };
  return { handler, calls };
}

function setup(lines: string[], overrides: Partial<RunBatchOptions> & { system: FakeSystem; handler: Handler }) {
  const dir = mkdtempSync(join(tmpdir(), "rb-hardening-"));
  const items = join(dir, "items.jsonl");
  writeFileSync(items, lines.join("\n") + "\n");
  const logged: string[] = [];
  const options: RunBatchOptions = {
    stateDir: join(dir, "state"),
    source: { path: items, label: items, format: "jsonl", idField: "id" },
    ...RUN_DEFAULTS,
    stops: noStops,
    log: { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) },
    ...overrides,
  };
  const failures = () => JSON.parse(readFileSync(join(dir, "state", "failures.json"), "utf8")).failures as Array<Record<string, unknown>>;
  return { dir, options, logged, failures };
}

const jsonl = (ids: string[]) => ids.map((id) => JSON.stringify({ id }));
const ids = (n: number, prefix = "item") => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
const OK: AttemptResult = { ok: true };

describe("a handler that cannot run (a setup failure)", () => {
  it("stops at the first one: no item failed, all still pending, exit 2 with the handler's message", async () => {
    const system = new FakeSystem(0);
    const h = scripted(system, () => ({ ok: false, kind: "setup", error: "--run './p.sh' cannot run (exit code 126): chmod +x ./p.sh" }));
    const { options, failures, logged } = setup(jsonl(ids(50)), { system, handler: h.handler });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 2, stopReason: "handler-error", processed: 0, failed: 0, remaining: 50, complete: false });
    expect(result.stopMessage).toMatch(
      /^--run '\.\/p\.sh' cannot run \(exit code 126\): chmod \+x \.\/p\.sh\. Stopped at item "item-1"; no item was marked failed/,
    );
    expect(h.calls).toEqual(["item-1"]);
    expect(failures()).toEqual([]);
    expect(logged.some((l) => l.includes("chmod +x ./p.sh"))).toBe(true);
    // The state is clean: a fixed handler does every item next time.
    const fixed = scripted(system, () => OK);
    const again = await system.runUntil(runBatch({ ...options, handler: fixed.handler }));
    expect(again).toMatchObject({ exitCode: 0, succeeded: 50, complete: true });
  });

  it("after a transient retry, a setup failure still records nothing", async () => {
    const system = new FakeSystem(0, [0, 0]);
    const h = scripted(system, (_item, ctx) =>
      ctx.attempt === 1 ? { ok: false, kind: "transient", error: "worker died" } : { ok: false, kind: "setup", error: "broken" },
    );
    const { options, failures } = setup(jsonl(ids(3)), { system, handler: h.handler });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 2, stopReason: "handler-error", failed: 0, remaining: 3 });
    expect(failures()).toEqual([]);
  });
});

describe("max-consecutive-failures", () => {
  const failing = (system: FakeSystem) => scripted(system, (item) => ({ ok: false, kind: "permanent", error: `exit code 1: ${item.id} broke` }));

  it("stops after 25 failures in a row with no success (the default): exit 4, failures kept, the rest pending", async () => {
    const system = new FakeSystem(0);
    const h = failing(system);
    const { options, failures, logged } = setup(jsonl(ids(100)), { system, handler: h.handler });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 4, stopReason: "failure-rate", failed: 25, processed: 25, remaining: 75, complete: false });
    expect(result.stopMessage).toMatch(/^25 items in a row failed and none succeeded in this run \(max-consecutive-failures 25\)/);
    expect(h.calls).toHaveLength(25);
    expect(failures()).toHaveLength(25);
    expect(logged).toContain(result.stopMessage);
  });

  it("a success in this run disarms it; 0 disables it; a set value applies", async () => {
    const system = new FakeSystem(0);
    const afterOne = scripted(system, (item) => (item.id === "item-1" ? OK : { ok: false, kind: "permanent", error: "no" }));
    const first = setup(jsonl(ids(40)), { system, handler: afterOne.handler });
    expect(await system.runUntil(runBatch(first.options))).toMatchObject({ exitCode: 1, failed: 39, stopReason: "complete" });

    const off = setup(jsonl(ids(40)), { system, handler: failing(system).handler, maxConsecutiveFailures: 0 });
    expect(await system.runUntil(runBatch(off.options))).toMatchObject({ exitCode: 1, failed: 40 });

    const three = setup(jsonl(ids(40)), { system, handler: failing(system).handler, maxConsecutiveFailures: 3 });
    expect(await system.runUntil(runBatch(three.options))).toMatchObject({ exitCode: 4, failed: 3 });
  });

  it("a retry-failures pass does not apply the default (its items are known failures), but a set value", async () => {
    const system = new FakeSystem(0);
    const { options } = setup(jsonl(ids(30)), { system, handler: failing(system).handler, maxConsecutiveFailures: 0 });
    expect(await system.runUntil(runBatch(options))).toMatchObject({ failed: 30 });
    const retry = await system.runUntil(
      runBatch({ ...options, retryFailures: true, maxConsecutiveFailures: undefined, handler: failing(system).handler }),
    );
    expect(retry).toMatchObject({ mode: "retry-failures", exitCode: 1, failed: 30 });
    const limited = await system.runUntil(runBatch({ ...options, retryFailures: true, maxConsecutiveFailures: 5, handler: failing(system).handler }));
    expect(limited).toMatchObject({ exitCode: 4, failed: 5 });
  });
});

describe("one item never crashes the run", () => {
  const deepLine = (id: string, depth: number) => `{"id":"${id}","data":${"[".repeat(depth)}${"]".repeat(depth)}}`;

  it("a failure of an item too deep to serialise is recorded without its data, and the run goes on", async () => {
    const system = new FakeSystem(0);
    const h = scripted(system, (item) => (item.id === "deep" ? { ok: false, kind: "permanent", error: "module threw" } : OK));
    const { options, failures } = setup([JSON.stringify({ id: "a" }), deepLine("deep", 200_000), JSON.stringify({ id: "b" })], {
      system,
      handler: h.handler,
    });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 1, succeeded: 2, failed: 1, complete: true });
    const [f] = failures();
    expect(f).toMatchObject({ id: "deep", kind: "permanent", item: null });
    expect(f!.error).toMatch(
      /^module threw; the item cannot be written as JSON: Maximum call stack size exceeded \(nested too deeply\?\), so it is stored without its data$/,
    );
    // The next run finds it failed, the others done: nothing runs again.
    const again = scripted(system, () => OK);
    expect(await system.runUntil(runBatch({ ...options, handler: again.handler }))).toMatchObject({ processed: 0 });
    expect(again.calls).toEqual([]);
  });

  it("retry-failures takes a failure stored without its data from the items file, never runs it as null", async () => {
    const system = new FakeSystem(0);
    const failDeep = scripted(system, (item) => (item.id === "deep" ? { ok: false, kind: "permanent", error: "module threw" } : OK));
    const { options, failures, logged } = setup([JSON.stringify({ id: "a" }), deepLine("deep", 200_000)], { system, handler: failDeep.handler });
    await system.runUntil(runBatch(options));
    expect(failures()[0]).toMatchObject({ id: "deep", item: null });

    // Without the items file there is nothing to hand the handler: it stays failed, said so.
    const seen: unknown[] = [];
    const record = scripted(system, (item) => (seen.push(item.data), OK));
    const { source, ...noSource } = options;
    const alone = await system.runUntil(runBatch({ ...noSource, retryFailures: true, handler: record.handler }));
    expect(alone).toMatchObject({ mode: "retry-failures", exitCode: 1, processed: 0 });
    expect(record.calls).toEqual([]);
    expect(logged.join("\n")).toMatch(/1 failed item\(s\) were stored without their data .* no items file .*: "deep"/);
    expect(failures().map((f) => f.id)).toEqual(["deep"]);

    // With it, the item is handed as the file has it, and succeeds.
    const again = await system.runUntil(runBatch({ ...options, source, retryFailures: true, handler: record.handler }));
    expect(again).toMatchObject({ mode: "retry-failures", exitCode: 0, succeeded: 1 });
    expect(record.calls).toEqual(["deep"]);
    let depth = 0;
    for (let d = (seen[0] as { data: unknown }).data; Array.isArray(d); d = d[0]) depth++;
    expect(depth).toBe(200_000);
    expect(failures()).toEqual([]);
  });

  it("a handler that throws instead of answering fails that item only", async () => {
    const system = new FakeSystem(0);
    const handler: Handler = {
      run(item) {
        if (item.id === "b") throw new RangeError("Maximum call stack size exceeded");
        if (item.id === "c")
          return Promise.reject({
            toString: () => {
              throw new Error("no text");
            },
          });
        return Promise.resolve(OK);
      },
    };
    const { options, failures } = setup(jsonl(["a", "b", "c", "d"]), { system, handler });
    const result = await system.runUntil(runBatch(options));
    expect(result).toMatchObject({ exitCode: 1, succeeded: 2, failed: 2 });
    expect(failures().map((f) => [f.id, f.kind, f.error])).toEqual([
      ["b", "permanent", "handler crashed: RangeError: Maximum call stack size exceeded"],
      ["c", "permanent", "handler crashed: an error that cannot be turned into text"],
    ]);
  });
});

describe("a state folder that cannot be written (a full disk)", () => {
  it("the flush timer's ENOSPC stops the run with StateWriteError: lock released, journal whole lines, next run resumes", async () => {
    const system = new FakeSystem(0);
    const h = scripted(system, () => OK);
    let writes = 0;
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const journalFs = {
      writeSync(fd: number, buffer: Buffer, offset: number): number {
        writes++;
        if (writes <= 2) return writeSync(fd, buffer, offset);
        // Half a write, then the disk is full: the torn part must be cut off again.
        if (writes === 3) return writeSync(fd, buffer, offset, Math.floor((buffer.length - offset) / 2));
        throw enospc;
      },
    };
    const { options, logged, dir } = setup(jsonl(ids(20)), { system, handler: h.handler, journalFs });
    const error = await system.runUntil(runBatch(options).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StateWriteError);
    expect((error as Error).message).toMatch(
      /^cannot write the state folder .*state \(ENOSPC: no space left on device, write\)\. The run stopped and the state on disk is consistent; free space on its disk, then run again/,
    );
    expect(logged.some((l) => l.startsWith("cannot write the state folder: ENOSPC"))).toBe(true);
    expect(h.calls.length).toBeLessThan(20);
    const stateDir = join(dir, "state");
    expect(existsSync(join(stateDir, "lock"))).toBe(false);
    for (const name of readdirSync(stateDir).filter((n) => n.startsWith("journal-"))) {
      const text = readFileSync(join(stateDir, name), "utf8");
      expect(text.endsWith("\n")).toBe(true);
      for (const line of text.trimEnd().split("\n")) JSON.parse(line);
    }
    const doneBefore = loadState(stateDir).state.doneCount;
    const again = scripted(system, () => OK);
    const result = await system.runUntil(runBatch({ ...options, handler: again.handler, journalFs: undefined }));
    expect(result).toMatchObject({ exitCode: 0, complete: true, succeeded: 20 - doneBefore });
  });

  it("a failing first write (the start record) ends at once with StateWriteError, nothing run", async () => {
    const system = new FakeSystem(0);
    const h = scripted(system, () => OK);
    const journalFs = {
      writeSync(): number {
        throw Object.assign(new Error("EROFS: read-only file system, write"), { code: "EROFS" });
      },
    };
    const { options, dir } = setup(jsonl(ids(3)), { system, handler: h.handler, journalFs });
    const error = await system.runUntil(runBatch(options).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StateWriteError);
    expect((error as Error).message).toMatch(/\(EROFS: read-only file system, write\).*make it writable/);
    expect(h.calls).toEqual([]);
    expect(existsSync(join(dir, "state", "lock"))).toBe(false);
  });
});

describe("a retry the budget cannot fit", () => {
  it("leaves the item for the next run: not complete, exit 3, stop reason budget", async () => {
    const system = new FakeSystem(0, [0.99, 0.99]);
    const h = scripted(system, (item) => (item.id === "flaky" ? { ok: false, kind: "transient", error: "503" } : OK));
    const { options } = setup(jsonl(["a", "flaky", "b"]), {
      system,
      handler: h.handler,
      timeBudgetMs: 10_000,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    // Virtual time must not run while the engine reads its items from disk (real I/O).
    const running = runBatch(options);
    await waitUntil(() => h.calls.length > 0, "the run to start an item", 10_000, 1);
    const result = await system.runUntil(running);
    expect(result).toMatchObject({ exitCode: 3, stopReason: "budget", complete: false, remaining: 1, succeeded: 2, failed: 1 });
    const { state } = loadState(options.stateDir);
    expect(state.runs.at(-1)).toMatchObject({ stopReason: "budget", remaining: 1 });
  });
});

describe("signals and the lock", () => {
  it("listens for signals before the lock exists, so a signal once the lock is there is always a graceful stop", async () => {
    const system = new FakeSystem(0);
    const { handler } = scripted(system, () => OK);
    const lockAtSubscribe: boolean[] = [];
    let stateDir = "";
    const stops: StopSource = {
      subscribe: (listener) => {
        lockAtSubscribe.push(existsSync(join(stateDir, "lock")));
        // The signal comes at once: the run must stop before its items, lock released.
        listener("SIGINT");
        return () => {};
      },
    };
    const { options } = setup(jsonl(ids(3)), { system, handler, stops });
    stateDir = options.stateDir;
    await expect(system.runUntil(runBatch(options))).rejects.toThrow(/SIGINT/);
    expect(lockAtSubscribe).toEqual([false]);
    expect(existsSync(join(stateDir, "lock"))).toBe(false);
  });
});
