import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptContext, AttemptResult, Handler } from "../../src/core/handlers/handler.js";
import { runBatch, type RunBatchOptions, type RunBatchResult } from "../../src/core/run/run-batch.js";
import { loadState } from "../../src/core/state/state-store.js";
import type { Item } from "../../src/core/platform/types.js";
import { FakeSystem } from "../support/fake-system.js";
import { RUN_DEFAULTS } from "../support/run-defaults.js";

const T0 = Date.parse("2026-11-01T00:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Call {
  id: string;
  key: string;
  attempt: number;
  data: unknown;
}

/** A batch in a temp folder whose runs happen at chosen virtual times. */
function batch(items: unknown[], namespace = "nightly") {
  const dir = mkdtempSync(join(tmpdir(), "rb-pass-"));
  const itemsPath = join(dir, "items.jsonl");
  const stateDir = join(dir, "state");
  const calls: Call[] = [];
  const logs: string[] = [];
  let script: (id: string) => AttemptResult = () => ({ ok: true });
  const handler: Handler = {
    run(item: Item, ctx: AttemptContext) {
      calls.push({ id: item.id, key: ctx.idempotencyKey, attempt: ctx.attempt, data: item.data });
      return Promise.resolve(script(item.id));
    },
  };
  const write = (list: unknown[]) => writeFileSync(itemsPath, list.map((i) => JSON.stringify(i)).join("\n") + "\n");
  write(items);
  let seq = 0;
  return {
    stateDir,
    calls,
    logs,
    write,
    writeText: (text: string) => writeFileSync(itemsPath, text),
    answer(fn: (id: string) => AttemptResult) {
      script = fn;
    },
    async run(atMs: number, extra: Partial<RunBatchOptions> = {}): Promise<RunBatchResult> {
      const system = new FakeSystem(atMs);
      calls.length = 0;
      const options: RunBatchOptions = {
        stateDir,
        source: { path: itemsPath, label: itemsPath, format: "jsonl", idField: "id" },
        handler,
        ...RUN_DEFAULTS,
        maxAttempts: 1,
        runId: String(++seq),
        idempotencyNamespace: namespace,
        system,
        stops: { subscribe: () => () => {} },
        log: { info: (m) => logs.push(m), warn: (m) => logs.push(`warning: ${m}`), error: (m) => logs.push(`error: ${m}`) },
        ...extra,
      };
      const settled = await system.runUntil(
        runBatch(options).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        ),
      );
      if ("error" in settled) throw settled.error;
      return settled.result;
    },
    failuresFile: () => JSON.parse(readFileSync(join(stateDir, "failures.json"), "utf8")),
  };
}

const ids = (calls: Call[]) => calls.map((c) => c.id).sort();
const legacyKey = (namespace: string, id: string) => createHash("sha256").update(`${namespace}\0${id}`).digest("hex").slice(0, 32);

describe("passes with repeat, on a fake clock", () => {
  it("does nothing while the interval has not passed, exits 0 and says when the next pass starts", async () => {
    const b = batch([{ id: "a" }, { id: "b" }]);
    const first = await b.run(T0, { repeatMs: DAY });
    expect(first).toMatchObject({ pass: 1, processed: 2, complete: true, nextPassAfter: "2026-11-02T00:00:00.000Z" });
    const second = await b.run(T0 + 6 * HOUR, { repeatMs: DAY });
    expect(second).toMatchObject({ pass: 1, processed: 0, exitCode: 0, complete: true, nextPassAfter: "2026-11-02T00:00:00.000Z" });
    expect(second.passNote).toBe("pass 1 is complete; the next pass starts at 2026-11-02T00:00:00.000Z (repeat 24h00m)");
    expect(b.logs).toContain(second.passNote);
    expect(b.calls).toEqual([]);
  });

  it("exits 0 when waiting for the next pass even with failures held in the complete pass", async () => {
    const b = batch([{ id: "a" }, { id: "b" }]);
    b.answer((id) => (id === "b" ? { ok: false, kind: "permanent", error: "bad" } : { ok: true }));
    expect((await b.run(T0, { repeatMs: DAY })).exitCode).toBe(1);
    expect((await b.run(T0 + HOUR, { repeatMs: DAY })).exitCode).toBe(0);
    // Without repeat there is no next pass to wait for: held failures still make it 1.
    expect((await b.run(T0 + 2 * HOUR)).exitCode).toBe(1);
  });

  it("starts the next pass once the pass is complete and the interval has passed: every item again", async () => {
    const b = batch([{ id: "a" }, { id: "b" }, { id: "c" }]);
    await b.run(T0, { repeatMs: DAY });
    const passOneKeys = new Map(b.calls.map((c) => [c.id, c.key]));
    const next = await b.run(T0 + DAY, { repeatMs: DAY });
    expect(next).toMatchObject({ pass: 2, passStarted: "repeat", processed: 3, complete: true, nextPassAfter: "2026-11-03T00:00:00.000Z" });
    expect(ids(b.calls)).toEqual(["a", "b", "c"]);
    for (const c of b.calls) expect(c.key).not.toBe(passOneKeys.get(c.id));
    expect(b.logs.some((l) => /starting pass 2 \(pass 1 is complete and repeat 24h00m has passed since it started\)/.test(l))).toBe(true);
    const { state } = loadState(b.stateDir);
    expect(state.pass).toBe(2);
    expect(state.passStartedAt).toBe("2026-11-02T00:00:00.000Z");
    expect(state.passes).toEqual([
      { pass: 1, startedAt: "2026-11-01T00:00:00.000Z", completedAt: expect.stringMatching(/^2026-11-01T00:0/), succeeded: 3, failed: 0, runs: 1 },
    ]);
  });

  it("lets a pass still running when the interval passed finish first, and says it overran", async () => {
    const b = batch([{ id: "a" }, { id: "b" }]);
    b.answer((id) => (id === "b" ? { ok: false, kind: "transient", error: "503" } : { ok: true }));
    expect(await b.run(T0, { repeatMs: DAY })).toMatchObject({ pass: 1, complete: false, remaining: 1 });
    b.answer(() => ({ ok: true }));
    const late = await b.run(T0 + 2 * DAY, { repeatMs: DAY });
    expect(late).toMatchObject({ pass: 1, passOverran: true, processed: 1, complete: true });
    expect(late.passStarted).toBeUndefined();
    expect(ids(b.calls)).toEqual(["b"]);
    expect(b.logs.some((l) => /warning: pass 1 has run longer than its interval \(repeat 24h00m/.test(l))).toBe(true);
    // Complete now, and the interval long past: the next run starts pass 2.
    expect(await b.run(T0 + 2 * DAY + HOUR, { repeatMs: DAY })).toMatchObject({ pass: 2, passStarted: "repeat", processed: 2 });
  });

  it("starts a new pass mid-pass with new-pass: done and failed items are attempted again", async () => {
    const b = batch([{ id: "a" }, { id: "b" }, { id: "c" }]);
    b.answer((id) =>
      id === "b" ? { ok: false, kind: "permanent", error: "bad" } : id === "c" ? { ok: false, kind: "transient", error: "503" } : { ok: true },
    );
    await b.run(T0);
    b.answer(() => ({ ok: true }));
    const fresh = await b.run(T0 + HOUR, { newPass: true });
    expect(fresh).toMatchObject({ pass: 2, passStarted: "new-pass", processed: 3, failed: 0, exitCode: 0 });
    expect(ids(b.calls)).toEqual(["a", "b", "c"]);
    expect(b.failuresFile()).toMatchObject({ failures: [], pass: 2 });
    const { state } = loadState(b.stateDir);
    expect(state.passes).toEqual([{ pass: 1, startedAt: "2026-11-01T00:00:00.000Z", succeeded: 1, failed: 2, runs: 1 }]);
  });

  it("restarts quarantine counts with a pass", async () => {
    const b = batch([{ id: "a" }]);
    b.answer(() => ({ ok: false, kind: "transient", error: "503" }));
    await b.run(T0, { maxRunsPerItem: 2 });
    await b.run(T0 + HOUR, { maxRunsPerItem: 2 });
    expect(b.failuresFile().failures[0]).toMatchObject({ kind: "quarantined", runs: 2 });
    await b.run(T0 + 2 * HOUR, { maxRunsPerItem: 2, newPass: true });
    expect(b.failuresFile().failures[0]).toMatchObject({ kind: "transient", runs: 1, attempts: 1 });
  });
});

describe("idempotency keys across passes and changes", () => {
  it("keeps pass 1's key byte-identical to the key before passes existed, and stable across runs", async () => {
    const b = batch([{ id: "a" }, { id: "b" }], "nightly");
    b.answer((id) => (id === "b" ? { ok: false, kind: "transient", error: "503" } : { ok: true }));
    await b.run(T0, { reprocessChanged: true });
    expect(b.calls.map((c) => c.key)).toEqual([legacyKey("nightly", "a"), legacyKey("nightly", "b")]);
    b.answer(() => ({ ok: true }));
    await b.run(T0 + HOUR, { reprocessChanged: true });
    expect(b.calls).toMatchObject([{ id: "b", key: legacyKey("nightly", "b"), attempt: 2 }]);
  });

  it("gives a new pass new keys, stable within the pass", async () => {
    const b = batch([{ id: "a" }]);
    await b.run(T0);
    b.answer(() => ({ ok: false, kind: "transient", error: "503" }));
    await b.run(T0 + HOUR, { newPass: true });
    const passTwoKey = b.calls[0]!.key;
    expect(passTwoKey).not.toBe(legacyKey("nightly", "a"));
    b.answer(() => ({ ok: true }));
    await b.run(T0 + 2 * HOUR);
    expect(b.calls).toMatchObject([{ id: "a", key: passTwoKey }]);
  });

  it("gives a changed item a key it never had, the same for the retries of that version", async () => {
    const b = batch([{ id: "a", name: "x" }]);
    await b.run(T0, { reprocessChanged: true });
    const original = b.calls[0]!.key;
    b.write([{ id: "a", name: "y" }]);
    b.answer(() => ({ ok: false, kind: "transient", error: "503" }));
    await b.run(T0 + HOUR, { reprocessChanged: true });
    const changed = b.calls[0]!.key;
    expect(changed).not.toBe(original);
    b.answer(() => ({ ok: true }));
    await b.run(T0 + 2 * HOUR, { reprocessChanged: true });
    expect(b.calls[0]!.key).toBe(changed);
    // Changed back: a third version, not a repeat of the first operation.
    b.write([{ id: "a", name: "x" }]);
    await b.run(T0 + 3 * HOUR, { reprocessChanged: true });
    expect(b.calls).toHaveLength(1);
    expect([original, changed]).not.toContain(b.calls[0]!.key);
  });
});

describe("reprocess-changed", () => {
  it("processes only the items whose content changed, and counts them as changed", async () => {
    const b = batch([
      { id: "a", v: 1 },
      { id: "b", v: 1 },
      { id: "c", v: 1 },
    ]);
    await b.run(T0, { reprocessChanged: true });
    b.write([
      { id: "a", v: 1 },
      { id: "b", v: 2 },
      { id: "c", v: 1 },
      { id: "d", v: 1 },
    ]);
    const result = await b.run(T0 + HOUR, { reprocessChanged: true });
    expect(result).toMatchObject({ pass: 1, processed: 2, changed: 1, doneTotal: 4, total: 4, complete: true });
    expect(ids(b.calls)).toEqual(["b", "d"]);
    expect(
      b.logs.some((l) =>
        /4 item\(s\): 2 done in earlier runs, 1 changed since they were done, 0 failed and held for retry-failures, 2 to do/.test(l),
      ),
    ).toBe(true);
    // Nothing changed since: nothing to do.
    expect(await b.run(T0 + 2 * HOUR, { reprocessChanged: true })).toMatchObject({ processed: 0, changed: 0 });
  });

  it("does not count key order or whitespace as a change", async () => {
    const b = batch([]);
    b.writeText('{"id":"a","x":1,"y":{"p":true,"q":[1,2]}}\n');
    await b.run(T0, { reprocessChanged: true });
    b.writeText('{ "y": { "q": [1, 2], "p": true }, "x": 1.0,   "id": "a" }\n');
    expect(await b.run(T0 + HOUR, { reprocessChanged: true })).toMatchObject({ processed: 0, changed: 0 });
    b.writeText('{"id":"a","x":1,"y":{"p":true,"q":[2,1]}}\n');
    expect(await b.run(T0 + 2 * HOUR, { reprocessChanged: true })).toMatchObject({ processed: 1, changed: 1 });
  });

  it("compares only the version field when one is named", async () => {
    const b = batch([{ id: "a", updatedAt: "2026-01-01", name: "x" }]);
    await b.run(T0, { reprocessChanged: true, versionField: "updatedAt" });
    b.write([{ id: "a", updatedAt: "2026-01-01", name: "other" }]);
    expect(await b.run(T0 + HOUR, { reprocessChanged: true, versionField: "updatedAt" })).toMatchObject({ processed: 0 });
    b.write([{ id: "a", updatedAt: "2026-01-02", name: "other" }]);
    expect(await b.run(T0 + 2 * HOUR, { reprocessChanged: true, versionField: "updatedAt" })).toMatchObject({ processed: 1, changed: 1 });
  });

  it("rejects items without the version field before any work, naming the line (exit 2 path)", async () => {
    const b = batch([{ id: "a", updatedAt: "1" }, { id: "b" }]);
    await expect(b.run(T0, { reprocessChanged: true, versionField: "updatedAt" })).rejects.toThrow(
      /items\.jsonl:2: no 'updatedAt' field, which version-field names/,
    );
    expect(b.calls).toEqual([]);
  });

  it("retries a failed item fixed upstream in the next normal run, without retry-failures", async () => {
    const b = batch([
      { id: "a", email: "ok@example.com" },
      { id: "b", email: "nope" },
    ]);
    b.answer((id) => (id === "b" ? { ok: false, kind: "permanent", error: "invalid email" } : { ok: true }));
    await b.run(T0, { reprocessChanged: true });
    const badKey = b.calls.find((c) => c.id === "b")!.key;
    // Unchanged: held for retry-failures, as before.
    expect(await b.run(T0 + HOUR, { reprocessChanged: true })).toMatchObject({ processed: 0, exitCode: 1 });
    b.write([
      { id: "a", email: "ok@example.com" },
      { id: "b", email: "b@example.com" },
    ]);
    b.answer(() => ({ ok: true }));
    const fixed = await b.run(T0 + 2 * HOUR, { reprocessChanged: true });
    expect(fixed).toMatchObject({ processed: 1, succeeded: 1, changed: 1, exitCode: 0, failuresTotal: 0 });
    expect(b.calls).toMatchObject([{ id: "b", data: { email: "b@example.com" } }]);
    expect(b.calls[0]!.key).not.toBe(badKey);
  });

  it("keeps a changed item that now fails out of the done count, and retries it when it changes again", async () => {
    const b = batch([{ id: "a", n: 1 }]);
    await b.run(T0, { reprocessChanged: true });
    b.write([{ id: "a", n: 2 }]);
    b.answer(() => ({ ok: false, kind: "permanent", error: "bad n" }));
    expect(await b.run(T0 + HOUR, { reprocessChanged: true })).toMatchObject({ failed: 1, doneTotal: 0, failuresTotal: 1 });
    expect(loadState(b.stateDir).state.doneCount).toBe(0);
  });

  it("takes the content at the first run with reprocess-changed as the baseline of items done without it", async () => {
    const b = batch([{ id: "a", n: 1 }]);
    await b.run(T0);
    b.write([{ id: "a", n: 2 }]);
    expect(await b.run(T0 + HOUR, { reprocessChanged: true })).toMatchObject({ processed: 0 });
    b.write([{ id: "a", n: 3 }]);
    expect(await b.run(T0 + 2 * HOUR, { reprocessChanged: true })).toMatchObject({ processed: 1, changed: 1 });
  });
});

describe("states from before passes", () => {
  it("load as pass 1, started with their first run and complete when the last run left nothing", async () => {
    const b = batch([{ id: "a" }, { id: "b" }]);
    const snapshot = {
      format: "resumable-batch-state",
      version: 1,
      generation: 1,
      origin: { seq: 1, runId: "77", runAttempt: 1 },
      savedAt: "2026-10-01T00:05:00.000Z",
      runs: [
        {
          seq: 1,
          runId: "77",
          runAttempt: 1,
          mode: "run",
          startedAt: "2026-10-01T00:00:00.000Z",
          endedAt: "2026-10-01T00:05:00.000Z",
          succeeded: 2,
          failed: 0,
          stopReason: "complete",
          total: 2,
          remaining: 0,
        },
      ],
      failures: [],
      done: ["a", "b"],
    };
    const { mkdirSync } = await import("node:fs");
    mkdirSync(b.stateDir, { recursive: true });
    writeFileSync(join(b.stateDir, "snapshot.json"), JSON.stringify(snapshot) + "\n");
    const { state } = loadState(b.stateDir);
    expect(state).toMatchObject({ pass: 1, passStartedAt: "2026-10-01T00:00:00.000Z", passCompletedAt: "2026-10-01T00:05:00.000Z", passes: [] });
    expect(await b.run(Date.parse("2026-10-01T12:00:00.000Z"), { repeatMs: DAY })).toMatchObject({
      pass: 1,
      processed: 0,
      nextPassAfter: "2026-10-02T00:00:00.000Z",
    });
    expect(await b.run(Date.parse("2026-10-02T01:00:00.000Z"), { repeatMs: DAY })).toMatchObject({ pass: 2, processed: 2 });
  });
});

describe("passes in the summary and the HTML report", () => {
  it("show where the pass stands, a row per pass, and the progress chart per pass", async () => {
    const { summaryInputFromState } = await import("../../src/report/summary-input.js");
    const { renderRunSummaryMarkdown } = await import("../../src/report/markdown.js");
    const { renderHtmlReport } = await import("../../src/report/html-report.js");
    const b = batch([{ id: "a" }, { id: "b" }]);
    b.answer((id) => (id === "b" ? { ok: false, kind: "permanent", error: "bad" } : { ok: true }));
    await b.run(T0, { repeatMs: DAY });
    b.answer(() => ({ ok: true }));
    const second = await b.run(T0 + DAY, { repeatMs: DAY });
    expect(second.pass).toBe(2);
    const input = summaryInputFromState(loadState(b.stateDir).state, second);
    const markdown = renderRunSummaryMarkdown(input);
    expect(markdown).toContain("### Passes");
    expect(markdown).toMatch(/Pass 2 is complete; the next pass starts at 2026-11-03T00:00:00\.000Z \(repeat 24h00m\)\./);
    expect(markdown).toMatch(/\| 2 \| 2026-11-02 00:00:00 UTC \| 2026-11-02 00:0\d:\d\d UTC \| 2 \| 0 \| [^|]+ \| 1 \|/);
    expect(markdown).toMatch(/\| 1 \| 2026-11-01 00:00:00 UTC \| 2026-11-01 00:0\d:\d\d UTC \| 1 \| 1 \| [^|]+ \| 1 \|/);
    const html = renderHtmlReport({ ...input, generatedAt: "2026-11-02T01:00:00.000Z" });
    expect(html).toContain('<section class="panel" id="passes">');
    expect(html).toContain('id="runs-chart-svg"');
    expect(html).toContain('id="runs-chart-svg-pass-1"');
    expect(html).toMatch(/<h3 class="pass-chart-title">Pass 2 \(current\)<\/h3>/);
  });

  it("say that a pass ran longer than its interval, and count changed items", async () => {
    const { summaryInputFromState } = await import("../../src/report/summary-input.js");
    const { renderRunSummaryMarkdown } = await import("../../src/report/markdown.js");
    const b = batch([
      { id: "a", n: 1 },
      { id: "b", n: 1 },
    ]);
    b.answer((id) => (id === "b" ? { ok: false, kind: "transient", error: "503" } : { ok: true }));
    await b.run(T0, { repeatMs: DAY, reprocessChanged: true });
    b.answer(() => ({ ok: true }));
    b.write([
      { id: "a", n: 2 },
      { id: "b", n: 1 },
    ]);
    const late = await b.run(T0 + 2 * DAY, { repeatMs: DAY, reprocessChanged: true });
    expect(late).toMatchObject({ pass: 1, passOverran: true, changed: 1, processed: 2 });
    const markdown = renderRunSummaryMarkdown(summaryInputFromState(loadState(b.stateDir).state, late));
    expect(markdown).toMatch(/Pass 1 is complete; it ran longer than its interval \(repeat 24h00m\), so the next run starts pass 2\./);
    expect(markdown).toContain("1 item changed since done, processed again (reprocess-changed).");
    const { renderHtmlReport } = await import("../../src/report/html-report.js");
    const html = renderHtmlReport({ ...summaryInputFromState(loadState(b.stateDir).state, late), generatedAt: "2026-11-03T00:00:00.000Z" });
    expect(html).toContain('<li>Changed since done <b id="run-changed">1</b></li>');
  });

  it("stay out of the summary of a batch that does not recur", async () => {
    const { summaryInputFromState } = await import("../../src/report/summary-input.js");
    const { renderRunSummaryMarkdown } = await import("../../src/report/markdown.js");
    const b = batch([{ id: "a" }]);
    const result = await b.run(T0);
    expect(renderRunSummaryMarkdown(summaryInputFromState(loadState(b.stateDir).state, result))).not.toContain("Passes");
  });
});

describe("merged shards", () => {
  it("report the furthest pass, complete when every shard in it is, and sum the history per pass", async () => {
    const { BatchState } = await import("../../src/core/state/batch-state.js");
    const { mergeShardStates } = await import("../../src/core/state/merge-shards.js");
    const shard = (pass: number, startedAt: string, completedAt: string | undefined, done: string[]) => {
      const state = new BatchState();
      state.passStartedAt = "2026-11-01T00:00:00.000Z";
      state.passCompletedAt = "2026-11-01T01:00:00.000Z";
      for (const id of done) state.done.add(`old-${id}`);
      if (pass > 1) state.startPass(pass, startedAt);
      state.passCompletedAt = completedAt;
      for (const id of done) state.done.add(id);
      state.repeatMs = DAY;
      return state;
    };
    const merged = mergeShardStates([
      { label: "1/2", state: shard(2, "2026-11-02T00:00:00.000Z", "2026-11-02T01:00:00.000Z", ["a"]) },
      { label: "2/2", state: shard(2, "2026-11-02T00:05:00.000Z", undefined, ["b", "c"]) },
    ]);
    expect(merged).toMatchObject({ pass: 2, passStartedAt: "2026-11-02T00:00:00.000Z", passCompletedAt: undefined, repeatMs: DAY });
    expect(merged.passes).toEqual([
      { pass: 1, startedAt: "2026-11-01T00:00:00.000Z", completedAt: "2026-11-01T01:00:00.000Z", succeeded: 3, failed: 0, runs: 0 },
    ]);
  });
});
