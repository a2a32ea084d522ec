import { appendFileSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptResult } from "../../src/core/handlers/handler.js";
import { compactSegments, listSegments, readOutcomes } from "../../src/core/outcomes/outcome-files.js";
import { JobLogWriter } from "../../src/core/outcomes/job-log-writer.js";
import { viewOf, type OutcomeView } from "../../src/core/outcomes/outcome-lines.js";
import { countResults, readResults, type ResultRecord } from "../../src/core/outcomes/results-reader.js";
import { runBatch } from "../../src/core/run/run-batch.js";
import { RateLimiter } from "../../src/core/run/rate-limiter.js";
import { summariseDurations } from "../../src/core/outcomes/duration-summary.js";
import { renderDurationsSection } from "../../src/report/html-durations.js";
import { FakeSystem } from "../support/fake-system.js";
import { batchSetup, scriptedHandler } from "../support/scripted-handler.js";

const OK: AttemptResult = { ok: true };

async function results(stateDir: string): Promise<ResultRecord[]> {
  const all: ResultRecord[] = [];
  for await (const batch of readResults(stateDir)) all.push(...batch);
  return all;
}

async function log(stateDir: string): Promise<OutcomeView[]> {
  const all: OutcomeView[] = [];
  for await (const batch of readOutcomes(stateDir)) all.push(...batch.map(({ line, header }) => viewOf(line, header)));
  return all;
}

describe("the job log", () => {
  it("records each finished item's start, duration, attempts and exit status, on the engine's clock, without --results", async () => {
    const system = new FakeSystem(0, [0, 0]);
    const h = scriptedHandler(system, (id, attempt) =>
      id === "b" && attempt < 3
        ? { ok: false, kind: "transient", error: "503" }
        : id === "c"
          ? { ok: false, kind: "permanent", error: "exit code 2: bad row", exitCode: 2 }
          : { ok: true, result: { dropped: "results are off" } },
    );
    const { options } = batchSetup(["a", "b", "c"], { system, handler: h.handler, handlerKind: "command" });
    await system.runUntil(runBatch(options));

    const entries = await log(options.stateDir);
    expect(entries.map((e) => [e.id, e.ok, e.attempts, e.exitStatus])).toEqual([
      ["a", true, 1, 0],
      ["b", true, 3, 0],
      ["c", false, 1, 2],
    ]);
    const firstCallAt = (id: string) => h.calls.find((c) => c.id === id)!.atMs;
    for (const e of entries) expect(e.startedAt).toBe(new Date(firstCallAt(e.id)).toISOString());
    expect(entries.map((e) => e.durationMs)).toEqual([100, 100 + 500 + 100 + 1000 + 100, 100]);
    expect(entries[1]!.finishedAt).toBe(new Date(firstCallAt("b") + 1800).toISOString());
    expect(entries[2]).toMatchObject({ kind: "permanent", error: "exit code 2: bad row", runId: "1" });
    // Without --results the successes are listed, with no result.
    const listed = await results(options.stateDir);
    expect(listed.map((r) => r.id)).toEqual(["a", "b"]);
    expect(listed.every((r) => !("result" in r))).toBe(true);
  });

  it("logs each item's start as when its handler was called, also when the lane waited before it (rate limit)", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK);
    // One item every 250 ms; the handler takes 100 ms: each lane waits 150 ms between items.
    const limiter = new RateLimiter(system, { count: 4, perMs: 1000 });
    const { options } = batchSetup(["a", "b", "c", "d"], { system, handler: h.handler, beforeStart: (signal) => limiter.acquire(signal) });
    await system.runUntil(runBatch(options));
    const entries = await log(options.stateDir);
    const calledAt = (id: string) => new Date(h.calls.find((c) => c.id === id)!.atMs).toISOString();
    expect(entries.map((e) => [e.id, e.startedAt, e.durationMs])).toEqual(["a", "b", "c", "d"].map((id) => [id, calledAt(id), 100]));
    expect(new Set(entries.map((e) => e.startedAt)).size).toBe(4);
  });

  it("leaves exitStatus out for module and worker handlers", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => OK);
    const { options } = batchSetup(["a"], { system, handler: h.handler, handlerKind: "module" });
    await system.runUntil(runBatch(options));
    expect((await log(options.stateDir))[0]).not.toHaveProperty("exitStatus");
  });

  it("keeps results by id, the last success winning across runs and retry-failures, with attempts counted across runs", async () => {
    const system = new FakeSystem(0);
    let round = 1;
    const h = scriptedHandler(system, (id) =>
      id === "b" && round === 1 ? { ok: false, kind: "permanent", error: "no" } : { ok: true, result: { id, round } },
    );
    const { options } = batchSetup(["a", "b", "c"], { system, handler: h.handler, results: true });
    await system.runUntil(runBatch(options));
    round = 2;
    await system.runUntil(runBatch({ ...options, runId: "2", retryFailures: true, source: undefined }));
    expect((await results(options.stateDir)).map((r) => [r.id, r.result, r.attempts])).toEqual([
      ["a", { id: "a", round: 1 }, 1],
      ["c", { id: "c", round: 1 }, 1],
      ["b", { id: "b", round: 2 }, 2],
    ]);
    expect(await countResults(options.stateDir)).toEqual({ items: 3, withResult: 3 });
  });

  it("names the pass once there are passes, and a new pass's success replaces the older result", async () => {
    const system = new FakeSystem(0);
    let round = 1;
    const h = scriptedHandler(system, (id) => ({ ok: true, result: `${id}@${round}` }));
    const { options } = batchSetup(["a", "b"], { system, handler: h.handler, results: true });
    await system.runUntil(runBatch(options));
    expect((await results(options.stateDir)).map((r) => [r.id, r.result, r.pass])).toEqual([
      ["a", "a@1", undefined],
      ["b", "b@1", undefined],
    ]);
    round = 2;
    await system.runUntil(runBatch({ ...options, runId: "2", newPass: true }));
    expect((await results(options.stateDir)).map((r) => [r.id, r.result, r.pass])).toEqual([
      ["a", "a@2", 2],
      ["b", "b@2", 2],
    ]);
  });

  it("fails an item whose result is over max-result-size, with the sizes in the reason", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id) => ({ ok: true, result: id === "big" ? "x".repeat(2000) : "small" }));
    const { options } = batchSetup(["big", "ok"], { system, handler: h.handler, results: true, maxResultBytes: 1024 });
    const outcome = await system.runUntil(runBatch(options));
    expect(outcome).toMatchObject({ succeeded: 1, failed: 1 });
    const failures = JSON.parse(readFileSync(join(options.stateDir, "failures.json"), "utf8")).failures;
    expect(failures[0]).toMatchObject({ id: "big", kind: "permanent" });
    expect(failures[0].error).toBe("the result is 2 KiB, over max-result-size 1 KiB: return less, or raise max-result-size");
    expect((await results(options.stateDir)).map((r) => r.id)).toEqual(["ok"]);
  });

  it("fails an item whose result cannot be JSON, rather than losing it", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, () => ({ ok: true, result: { n: 1n } }));
    const { options } = batchSetup(["a"], { system, handler: h.handler, results: true });
    expect(await system.runUntil(runBatch(options))).toMatchObject({ failed: 1 });
    expect((await log(options.stateDir))[0]!.error).toMatch(/^the result is not JSON-serialisable: /);
  });

  it("writes one segment per run beside the snapshot; a checkpoint never rewrites a saved segment", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id) => ({ ok: true, result: id }));
    const { options, itemsPath } = batchSetup(["a", "b"], { system, handler: h.handler, results: true });
    await system.runUntil(runBatch(options));
    const first = listSegments(options.stateDir);
    const before = { text: readFileSync(first[0]!, "utf8"), mtimeMs: statSync(first[0]!).mtimeMs, ino: statSync(first[0]!).ino };
    expect(readFileSync(join(options.stateDir, "snapshot.json"), "utf8")).not.toContain('"r"');
    appendFileSync(itemsPath, '{"id":"c"}\n');
    await system.runUntil(runBatch({ ...options, runId: "2" }));
    expect(listSegments(options.stateDir).map((p) => p.split("/").pop())).toEqual(["outcomes-1.jsonl", "outcomes-2.jsonl"]);
    expect({ text: readFileSync(first[0]!, "utf8"), mtimeMs: statSync(first[0]!).mtimeMs, ino: statSync(first[0]!).ino }).toEqual(before);
    expect(readFileSync(listSegments(options.stateDir)[1]!, "utf8").split("\n").filter(Boolean)).toHaveLength(3); // header, c, keys
  });

  it("ignores a torn last line left by a kill", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id) => ({ ok: true, result: id }));
    const { options } = batchSetup(["a"], { system, handler: h.handler, results: true });
    await system.runUntil(runBatch(options));
    appendFileSync(listSegments(options.stateDir)[0]!, '{"id":"a","at":5,"ms":1,"n":1,"r":"tor');
    expect((await results(options.stateDir)).map((r) => r.result)).toEqual(["a"]);
    expect(await log(options.stateDir)).toHaveLength(1);
  });

  it("a run started again over a segment torn by a kill writes its header on a line of its own", async () => {
    const system = new FakeSystem(0);
    const h = scriptedHandler(system, (id) => ({ ok: true, result: id }));
    const { options } = batchSetup(["a"], { system, handler: h.handler, results: true });
    await system.runUntil(runBatch(options));
    const segment = listSegments(options.stateDir)[0]!;
    appendFileSync(segment, '{"id":"b","at":5,"ms":1,"n":1,"r":"tor');
    const writer = new JobLogWriter({
      ...options,
      seq: 1,
      runId: "again",
      runAttempt: 1,
      handlerKind: "module",
      results: true,
      maxResultBytes: 1000,
      flushIntervalMs: 200,
    });
    writer.success("c", 0, 1, 1, '"c"');
    writer.close();
    const lines = readFileSync(segment, "utf8").split("\n");
    const torn = lines.findIndex((l) => l.endsWith('"tor'));
    expect(lines[torn + 1]).toMatch(/^\{"t":"seg".*"run":"again"/);
    expect(lines.slice(0, -1).filter((l) => l === "")).toEqual([]);
    expect((await results(options.stateDir)).map((r) => r.id).sort()).toEqual(["a", "c"]);
  });

  it("merges many segments into one, keeping every outcome in order", async () => {
    const system = new FakeSystem(0);
    let round = 0;
    const h = scriptedHandler(system, () => ({ ok: true, result: round }));
    const { options, itemsPath } = batchSetup(["a"], { system, handler: h.handler, results: true });
    for (round = 1; round <= 4; round++) {
      await system.runUntil(runBatch({ ...options, runId: String(round) }));
      appendFileSync(itemsPath, JSON.stringify({ id: `new-${round}` }) + "\n");
    }
    expect(listSegments(options.stateDir)).toHaveLength(4);
    expect(await compactSegments(options.stateDir, 3)).toBe(true);
    expect(readdirSync(options.stateDir).filter((n) => n.startsWith("outcomes-"))).toEqual(["outcomes-4.jsonl"]);
    expect((await log(options.stateDir)).map((e) => e.runId)).toEqual(["1", "2", "3", "4"]);
    expect((await results(options.stateDir)).map((r) => [r.id, r.result])).toEqual([
      ["a", 1],
      ["new-1", 2],
      ["new-2", 3],
      ["new-3", 4],
    ]);
  });

  it("summarises durations for the report: a histogram and the slowest items", async () => {
    const system = new FakeSystem(0);
    const durationsMs: Record<string, number> = { fast: 5, mid: 500, slow: 20_000, slower: 90_000 };
    const h = {
      handler: { run: (item: { id: string }) => new Promise<AttemptResult>((resolve) => system.setTimer(() => resolve(OK), durationsMs[item.id]!)) },
    };
    const { options } = batchSetup(Object.keys(durationsMs), { system, handler: h.handler });
    await system.runUntil(runBatch(options), 1000);
    const summary = await summariseDurations(options.stateDir);
    expect(summary.outcomes).toBe(4);
    expect(summary.histogram).toEqual([1, 0, 1, 0, 1, 1, 0]);
    expect(summary.slowest.map((s) => [s.id, s.durationMs])).toEqual([
      ["slower", 90_000],
      ["slow", 20_000],
      ["mid", 500],
      ["fast", 5],
    ]);
    const html = renderDurationsSection(summary);
    expect(html).toMatch(/<th scope="row">1–10 min<\/th><td class="num">1<\/td>/);
    expect(html).toMatch(/<td>slower<\/td><td class="num">1 min 30 s<\/td><td>succeeded<\/td>/);
  });
});
