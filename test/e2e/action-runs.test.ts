// The built action (dist/main, dist/post) run after run against the local Actions service
// stand-in (real @actions/cache and @actions/artifact clients, Azurite blob storage),
// played the way the runner plays a workflow run. Each scenario prints what was restored,
// processed and saved.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "./service/fake-github.js";
import { useStandIn } from "./service/stand-in.js";
import { runClientOp } from "./service/run-client.js";
import { artifactFile, assertBuilt, playRun, recordLines, repeats, runLog, scenario, type RunResult } from "./harness.js";

let gh: FakeGitHub;
let nextRunId = 1000;
useStandIn({
  before: assertBuilt,
  started: (s) => void (gh = s.gh),
  wallTimeLabel: "action scenarios",
});

const itemsJsonl = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: `item-${String(i + 1).padStart(3, "0")}`, n: i + 1 })).join("\n") + "\n";

/** A handler that takes a while and then records the item in a file outside the workspace. */
const HANDLER =
  'sleep "${DELAY:-0.05}"; case ",$BROKEN," in *",$ITEM_ID,"*) echo "cannot sync $ITEM_ID: field email is invalid (attempt $ITEM_ATTEMPT)" >&2; exit 1;; esac; printf "%s\\n" "$ITEM_ID" >> "$RECORD"';

function describeRun(label: string, r: RunResult): void {
  const o = r.outputs;
  const saved = [
    gh.cacheEntries().some((e) => e.key.endsWith(`/${r.runId}-${r.runAttempt}`)) ? "cache" : undefined,
    gh.artifacts().some((a) => a.runId === r.runId) ? "artifact" : undefined,
  ].filter(Boolean);
  console.log(
    `[e2e] ${label}: run ${r.runId}#${r.runAttempt} restored from ${o["state-source"]}; processed ${o.processed} ` +
      `(${o.succeeded} ok, ${o.failed} failed), ${o.remaining} left, complete=${o.complete}; saved to ${saved.join(" + ") || "nothing"}; ` +
      `main exit ${r.main.exitCode} in ${(r.main.durationMs / 1000).toFixed(1)}s${r.main.signalsSent.length ? ` after ${r.main.signalsSent.join("→")}` : ""}, post exit ${r.post.exitCode}`,
  );
}

describe.concurrent("the action across workflow runs", () => {
  it("1. a run that ends on its time budget is resumed from the cache by the next run, and no item runs twice", async () => {
    const s = scenario("budget");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, concurrency: "2", "time-budget": "9s" };
    const env = { RECORD: s.record, DELAY: "0.2" };
    const run1 = await playRun({ gh, runId: nextRunId++, inputs, env, files: { "items.jsonl": itemsJsonl(60) } });
    describeRun("budget/1", run1);
    expect(run1.main.exitCode).toBe(0);
    expect(run1.outputs.complete).toBe("false");
    const left = Number(run1.outputs.remaining);
    expect(left).toBeGreaterThan(0);
    const run2 = await playRun({ gh, runId: nextRunId++, inputs: { ...inputs, "time-budget": "" }, env, files: { "items.jsonl": itemsJsonl(60) } });
    describeRun("budget/2", run2);
    expect(run2.outputs["state-source"]).toBe("cache");
    expect(run2.outputs).toMatchObject({ complete: "true", remaining: "0", processed: String(left) });
    const lines = recordLines(s.record);
    expect(lines).toHaveLength(60);
    expect(repeats(lines)).toEqual([]);
  });

  it("2. a cancelled run stops before SIGTERM, post saves, and the next run resumes without re-running finished items", async () => {
    const s = scenario("cancel");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, concurrency: "2" };
    const env = { RECORD: s.record, DELAY: "0.3" };
    const files = { "items.jsonl": itemsJsonl(40) };
    const run1 = await playRun({ gh, runId: nextRunId++, inputs, env, files, cancelWhen: () => recordLines(s.record).length >= 6 });
    describeRun("cancel/1", run1);
    expect(run1.main.signalsSent).toEqual(["SIGINT"]);
    expect(run1.main.durationMs).toBeLessThan(60_000);
    expect(run1.post.exitCode).toBe(0);
    expect(runLog(run1)).toMatch(/stopped by a cancel/);
    const doneInRun1 = recordLines(s.record).length;
    expect(doneInRun1).toBeLessThan(40);
    const run2 = await playRun({ gh, runId: nextRunId++, inputs, env, files });
    describeRun("cancel/2", run2);
    expect(run2.outputs["state-source"]).toBe("cache");
    expect(Number(run2.outputs.processed)).toBe(40 - doneInRun1);
    expect(repeats(recordLines(s.record))).toEqual([]);
    expect(recordLines(s.record)).toHaveLength(40);
  });

  it("3. permanent failures land in the run's failures artifact; a retry-failures run clears the fixed one and keeps the broken one", async () => {
    const s = scenario("failures");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, "max-attempts": "2", backoff: "10ms" };
    const files = { "items.jsonl": itemsJsonl(12) };
    const run1 = await playRun({ gh, runId: nextRunId++, inputs, env: { RECORD: s.record, DELAY: "0", BROKEN: "item-003,item-007" }, files });
    describeRun("failures/1", run1);
    expect(run1.main.exitCode).toBe(0); // item failures keep the step green by default
    expect(run1.outputs).toMatchObject({ failed: "2", succeeded: "10" });
    const failures1 = JSON.parse(
      await artifactFile(gh, run1.runId, (a) => a.name.includes(`${s.stateKey}-state`) && !a.expired, "failures.json"),
    ).failures;
    expect(failures1.map((f: { id: string }) => f.id).sort()).toEqual(["item-003", "item-007"]);
    expect(failures1[0]).toMatchObject({ kind: "permanent", attempts: 1 });
    expect(failures1[0].error).toMatch(/field email is invalid/);
    expect(run1.summary).toMatch(/item-003/);
    expect(runLog(run1)).toMatch(/::error.*item-00[37]/);

    // The cause of item-003 is fixed; item-007 is still broken.
    const run2 = await playRun({
      gh,
      runId: nextRunId++,
      inputs: { ...inputs, "retry-failures": "true" },
      env: { RECORD: s.record, DELAY: "0", BROKEN: "item-007" },
      files: {},
    });
    describeRun("failures/2 (retry-failures)", run2);
    expect(run2.outputs).toMatchObject({ processed: "2", succeeded: "1", failed: "1" });
    const failures2 = JSON.parse(
      await artifactFile(gh, run2.runId, (a) => a.name.includes(`${s.stateKey}-state`) && !a.expired, "failures.json"),
    ).failures;
    expect(failures2).toHaveLength(1);
    expect(failures2[0]).toMatchObject({ id: "item-007", attempts: 2 });
    expect(failures2[0].error).toMatch(/attempt 2/);
    expect(recordLines(s.record).filter((l) => l === "item-003")).toHaveLength(1);
  });

  it("4. when the cache entry is evicted, the next run restores from the previous run's artifact and says so", async () => {
    const s = scenario("evicted");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, "time-budget": "7s", concurrency: "2" };
    const env = { RECORD: s.record, DELAY: "0.2" };
    const files = { "items.jsonl": itemsJsonl(50) };
    const run1 = await playRun({ gh, runId: nextRunId++, inputs, env, files });
    describeRun("evicted/1", run1);
    const evicted = await gh.evictCache(gh.cacheEntries().find((e) => e.key.includes(`/${s.stateKey}/`))!.key);
    expect(evicted).toBe(1);
    const run2 = await playRun({ gh, runId: nextRunId++, inputs: { ...inputs, "time-budget": "" }, env, files });
    describeRun("evicted/2", run2);
    expect(run2.outputs["state-source"]).toBe("artifact");
    expect(runLog(run2)).toMatch(/artifact/i);
    expect(repeats(recordLines(s.record))).toEqual([]);
    expect(recordLines(s.record)).toHaveLength(50);
  });

  it("5. a failing, then hanging, cache service keeps the job green and the state survives in the artifact", async () => {
    const s = scenario("cachedown");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey };
    const files = { "items.jsonl": itemsJsonl(10) };
    const env = { RECORD: s.record, DELAY: "0", RESUMABLE_BATCH_SERVICE_TIMEOUT: "8s" };
    const run1Id = nextRunId++;
    // The cache refuses this run's save (a failed restore would be an outage: nothing run, see 9.).
    gh.injectFault({ service: "cache", method: "CreateCacheEntry", runId: run1Id, action: { kind: "status", status: 503 } });
    const run1 = await playRun({ gh, runId: run1Id, inputs, env, files: { "items.jsonl": itemsJsonl(5) } });
    describeRun("cachedown/1 (cache answers 503)", run1);
    expect(run1.main.exitCode).toBe(0);
    expect(run1.post.exitCode).toBe(0);
    expect(run1.post.stdout).toMatch(/::warning.*cache/i);
    expect(gh.artifacts().some((a) => a.runId === run1Id)).toBe(true);

    const run2Id = nextRunId++;
    gh.injectFault({ service: "cache", runId: run2Id, action: { kind: "hang" } });
    const run2 = await playRun({ gh, runId: run2Id, inputs, env, files });
    describeRun("cachedown/2 (cache hangs)", run2);
    expect(run2.main.exitCode).toBe(0);
    expect(run2.post.exitCode).toBe(0);
    expect(run2.outputs["state-source"]).toBe("artifact");
    expect(run2.outputs.processed).toBe("5");
    expect(runLog(run2)).toMatch(/did not finish within/);
    expect(repeats(recordLines(s.record))).toEqual([]);
  });

  it("6. a re-run of the same run (attempt 2) saves and uploads without a name collision", async () => {
    const s = scenario("rerun");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey };
    const env = { RECORD: s.record, DELAY: "0", BROKEN: "item-002" };
    const files = { "items.jsonl": itemsJsonl(6) };
    const runId = nextRunId++;
    const first = await playRun({ gh, runId, runAttempt: 1, inputs, env, files });
    describeRun("rerun/attempt 1", first);
    const second = await playRun({ gh, runId, runAttempt: 2, inputs: { ...inputs, "retry-failures": "true" }, env: { ...env, BROKEN: "" }, files });
    describeRun("rerun/attempt 2", second);
    expect(second.post.exitCode).toBe(0);
    // \b409\b, not 409: a temp folder's random UUID in a logged tar command once held "409".
    const collisions = runLog(second)
      .split("\n")
      .filter((l) => /\b409\b|already exists|conflict/i.test(l) && !l.startsWith("::debug::"));
    expect(collisions).toEqual([]);
    const names = gh
      .artifacts()
      .filter((a) => a.runId === runId)
      .map((a) => a.name);
    expect(new Set(names).size).toBe(2);
    expect(
      gh
        .cacheEntries()
        .filter((e) => e.key.includes(`/${s.stateKey}/`))
        .map((e) => e.key.split("/").pop())
        .sort(),
    ).toEqual([`${runId}-1`, `${runId}-2`]);
    expect(second.outputs).toMatchObject({ "state-source": "cache", succeeded: "1", failed: "0" });
  });

  it("7. a first run with no state at all starts fresh and says so in the log and the summary", async () => {
    const s = scenario("fresh");
    const run = await playRun({
      gh,
      runId: nextRunId++,
      inputs: { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey },
      env: { RECORD: s.record, DELAY: "0" },
      files: { "items.jsonl": itemsJsonl(3) },
    });
    describeRun("fresh", run);
    expect(run.outputs["state-source"]).toBe("fresh");
    expect(run.main.stdout).toMatch(/::warning.*fresh start/i);
    expect(run.summary).toMatch(/fresh/i);
    expect(run.outputs.complete).toBe("true");
  });

  it("8. a hostile or corrupt restored state is rejected with a clear warning, never trusted, never a crash", async () => {
    const s = scenario("hostile");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey };
    const env = { RECORD: s.record, DELAY: "0" };
    const files = { "items.jsonl": itemsJsonl(8) };
    // A good run leaves an artifact (seq 1) ...
    const run1 = await playRun({ gh, runId: nextRunId++, inputs, env, files: { "items.jsonl": itemsJsonl(4) } });
    describeRun("hostile/1", run1);
    // ... then somebody plants newer cache entries under our prefix: a truncated snapshot,
    // a wrong version, a path that escapes the folder.
    const plant = async (label: string, write: (transfer: string) => void) => {
      const workspace = mkdtempSync(join(tmpdir(), "rb-plant-"));
      const transfer = join(workspace, ".resumable-batch", ".cache-transfer");
      mkdirSync(transfer, { recursive: true });
      write(transfer);
      const runId = nextRunId++;
      const saved = await runClientOp(
        "cache.save",
        { paths: [".resumable-batch/.cache-transfer"], key: `resumable-batch/${s.stateKey}/all/${runId}-1` },
        { env: gh.runnerEnv({ runId, workspace }), cwd: workspace, timeoutMs: 60_000 },
      );
      expect(saved.ok, `${label}: ${saved.stdout.slice(-500)}`).toBe(true);
      const run = await playRun({ gh, runId: nextRunId++, inputs, env, files });
      describeRun(`hostile/${label}`, run);
      expect(run.main.exitCode).toBe(0);
      expect(run.main.stdout).toMatch(/::warning.*(cache|state)/i);
      expect(run.outputs["state-source"]).not.toBe("cache");
      return run;
    };
    const snapshot = (version: number) =>
      JSON.stringify({
        format: "resumable-batch-state",
        version,
        generation: 1,
        origin: { seq: 99, runId: "x", runAttempt: 1 },
        savedAt: "",
        runs: [],
        failures: [],
        done: ["item-001", "item-002", "item-003", "item-004", "item-005", "item-006", "item-007", "item-008"],
      });
    await plant("truncated", (t) => writeFileSync(join(t, "snapshot.json"), snapshot(1).slice(0, 40)));
    await plant("wrong-version", (t) => writeFileSync(join(t, "snapshot.json"), snapshot(42)));
    await plant("unexpected-paths", (t) => {
      writeFileSync(join(t, "snapshot.json"), snapshot(1));
      mkdirSync(join(t, "nested", "deeper"), { recursive: true });
      writeFileSync(join(t, "nested", "deeper", "evil.sh"), "rm -rf /");
    });
    // None of the planted states was trusted: every item ran, and none twice.
    expect(recordLines(s.record).sort()).toEqual(JSON.parse(`[${itemsJsonl(8).trim().split("\n").join(",")}]`).map((i: { id: string }) => i.id));
  });
  it("9. three scheduled runs across two passes: a pass that overran its interval finishes first, the next starts every item again, and the summary shows both", async () => {
    const s = scenario("passes");
    // Exit 75 (transient) for the items in FLAKY; record each success with its idempotency key.
    const handler =
      'case ",$FLAKY," in *",$ITEM_ID,"*) echo "503 from upstream" >&2; exit 75;; esac; printf "%s %s\\n" "$ITEM_ID" "$IDEMPOTENCY_KEY" >> "$RECORD"';
    const inputs = { items: "items.jsonl", run: handler, "state-key": s.stateKey, "max-attempts": "1", repeat: "1s" };
    const files = { "items.jsonl": itemsJsonl(3) };
    const startedAtMs = Date.now();
    const run1 = await playRun({ gh, runId: nextRunId++, inputs, env: { RECORD: s.record, FLAKY: "item-002" }, files });
    describeRun("passes/1", run1);
    expect(run1.outputs).toMatchObject({ pass: "1", complete: "false", succeeded: "2", failed: "1" });
    // repeat is 1s: make sure it has passed while pass 1 still has item-002 left.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_500 - (Date.now() - startedAtMs))));

    const run2 = await playRun({ gh, runId: nextRunId++, inputs, env: { RECORD: s.record, FLAKY: "" }, files });
    describeRun("passes/2", run2);
    expect(run2.outputs).toMatchObject({ pass: "1", complete: "true", processed: "1" });
    expect(runLog(run2)).toMatch(/pass 1 has run longer than its interval/);
    expect(run2.summary).toMatch(/Pass 1 is complete; it ran longer than its interval/);

    const run3 = await playRun({ gh, runId: nextRunId++, inputs, env: { RECORD: s.record, FLAKY: "" }, files });
    describeRun("passes/3", run3);
    expect(run3.outputs).toMatchObject({ pass: "2", complete: "true", processed: "3", succeeded: "3" });
    expect(run3.outputs["next-pass-after"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(runLog(run3)).toMatch(/starting pass 2 \(pass 1 is complete and repeat 1\.0s has passed since it started\)/);
    expect(run3.summary).toMatch(/### Passes/);
    expect(run3.summary).toMatch(/\| 2 \| [^|]+ \| [^|]+ \| 3 \| 0 \| [^|]+ \| 1 \|/);
    expect(run3.summary).toMatch(/\| 1 \| [^|]+ \| [^|]+ \| 3 \| 0 \| [^|]+ \| 2 \|/);
    // Every item twice, once per pass, each time under a key of that pass.
    const done = recordLines(s.record).map((l) => l.split(" "));
    expect(done.map(([id]) => id).sort()).toEqual(["item-001", "item-001", "item-002", "item-002", "item-003", "item-003"]);
    const keysById = new Map<string, Set<string>>();
    for (const [id, key] of done) keysById.set(id!, (keysById.get(id!) ?? new Set()).add(key!));
    for (const keys of keysById.values()) expect(keys.size).toBe(2);
  });

  it("10. three scheduled runs build one results file: each run's artifact carries results.jsonl so far, upserted by id", async () => {
    const s = scenario("results");
    const run = `${HANDLER}; printf '{"id":"%s","syncedBy":%s}\\n' "$ITEM_ID" "$GITHUB_RUN_ID"`;
    const inputs = { items: "items.jsonl", run, "state-key": s.stateKey, concurrency: "2", results: "true" };
    const env = { RECORD: s.record, DELAY: "0", BROKEN: "item-004" };
    const runIds: number[] = [];
    for (const [n, extra] of [
      [10, {}],
      [20, {}],
      [20, { "retry-failures": "true", items: "" }],
    ] as const) {
      const r = await playRun({
        gh,
        runId: nextRunId++,
        inputs: { ...inputs, ...extra },
        env: n === 20 && "retry-failures" in extra ? { ...env, BROKEN: "" } : env,
        files: { "items.jsonl": itemsJsonl(n) },
      });
      describeRun(`results/${runIds.length + 1}`, r);
      expect(r.post.exitCode).toBe(0);
      runIds.push(r.runId);
    }
    const results = (await artifactFile(gh, runIds[2]!, (a) => a.name.includes(`${s.stateKey}-state`) && !a.expired, "results.jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; result: { id: string; syncedBy: number } });
    expect(results).toHaveLength(20);
    expect(new Set(results.map((r) => r.id)).size).toBe(20);
    const byId = new Map(results.map((r) => [r.id, r.result.syncedBy]));
    expect(byId.get("item-001")).toBe(runIds[0]);
    expect(byId.get("item-015")).toBe(runIds[1]);
    expect(byId.get("item-004")).toBe(runIds[2]); // failed in run 1, fixed by the retry-failures run
  });

  it("11. two jobs of one run with the same state key: the second's state gets a cache key of its own, and the next run restores it", async () => {
    const s = scenario("two-jobs");
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, concurrency: "2", "time-budget": "8s" };
    const env = { RECORD: s.record, DELAY: "0.2" };
    const files = { "items.jsonl": itemsJsonl(80) };
    const runId = nextRunId++;
    const first = await playRun({ gh, runId, inputs, env, files });
    describeRun("two-jobs/job 1", first);
    const second = await playRun({ gh, runId, inputs, env, files });
    describeRun("two-jobs/job 2", second);
    expect(Number(first.outputs.processed)).toBeGreaterThan(0);
    expect(second.outputs["state-source"]).toBe("cache");
    expect(Number(second.outputs.processed)).toBeGreaterThan(0);
    expect(second.post.exitCode).toBe(0);
    expect(runLog(second)).not.toMatch(/::warning[^\n]*cache did not take/);
    const keys = gh
      .cacheEntries()
      .filter((e) => e.key.includes(`/${s.stateKey}/`))
      .map((e) => e.key.split("/").pop())
      .sort();
    expect(keys).toEqual([`${runId}-1`, `${runId}-1-2`]);
    const third = await playRun({ gh, runId: nextRunId++, inputs: { ...inputs, "time-budget": "" }, env, files });
    describeRun("two-jobs/next run", third);
    expect(third.outputs["state-source"]).toBe("cache");
    expect(third.outputs).toMatchObject({ complete: "true" });
    const lines = recordLines(s.record);
    expect(lines).toHaveLength(80);
    expect(repeats(lines)).toEqual([]);
  });
});
