// What the real platform does that a naive stand-in would not (issue 13 items 2-5 and "one
// batch, whichever setup"), played through the built action against the stand-in: re-runs
// whose earlier attempt's artifacts the internal API refuses, the REST request budget and
// its rate limit, an outage of both stores, a cache that hangs, and switching between the
// reusable workflow (shard 1/1) and the action called directly.
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/core/input/shard.js";
import { assertBuilt, playRun, recordLines, repeats, runLog, scenario, type RunResult } from "./harness.js";
import type { FakeGitHub } from "./service/fake-github.js";
import { useStandIn } from "./service/stand-in.js";

let gh: FakeGitHub;
useStandIn({ before: assertBuilt, started: (s) => void (gh = s.gh), wallTimeLabel: "platform behaviour" });

/** Exits 75 (transient) for the ids in $FLAKY, else records the id in $RECORD. */
const HANDLER =
  'case ",$FLAKY," in *",$ITEM_ID,"*) echo "upstream timed out for $ITEM_ID" >&2; exit 75;; esac; printf "%s\\n" "$ITEM_ID" >> "$RECORD"';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `item-${String(i + 1).padStart(3, "0")}`);
const jsonl = (list: string[]) => list.map((id) => JSON.stringify({ id })).join("\n") + "\n";

function describeRun(label: string, r: RunResult): void {
  const o = r.outputs;
  console.log(
    `[e2e] ${label}: run ${r.runId}#${r.runAttempt} state-source ${o["state-source"]}; processed ${o.processed} (${o.succeeded} ok, ${o.failed} failed), ` +
      `${o.remaining} left; REST requests ${gh.restCalls(tokenOf(r.runId, r.runAttempt)).length}; main exit ${r.main.exitCode}, post exit ${r.post.exitCode}`,
  );
}

/** Each run gets its own github-token, so the stand-in can count the REST requests it made. */
const tokenOf = (runId: number, attempt = 1, job = "") => `tok-${runId}-${attempt}${job}`;

describe.concurrent("the platform, as it really behaves", () => {
  it("item 2: 4 shards, shard 3 fails, 'Re-run failed jobs' re-runs only shard 3; the report of attempt 2 shows all 4", async () => {
    const s = scenario("rerun-matrix");
    const items = ids(24);
    const flaky = items.filter((id) => shardOf(id, 4) === 3).slice(0, 1);
    const runId = 8100;
    const shardRun = (i: number, attempt: number, env: Record<string, string>) =>
      playRun({
        gh,
        runId,
        runAttempt: attempt,
        files: { "items.jsonl": jsonl(items) },
        env: { RECORD: s.record, ...env },
        inputs: {
          items: "items.jsonl",
          run: HANDLER,
          "state-key": s.stateKey,
          shard: `${i}/4`,
          "max-attempts": "1",
          "fail-on-item-failure": "true",
          "github-token": tokenOf(runId, attempt, `-s${i}`),
        },
      });
    const first = await Promise.all([1, 2, 3, 4].map((i) => shardRun(i, 1, { FLAKY: flaky.join(",") })));
    first.forEach((r, i) => describeRun(`rerun-matrix attempt 1 shard ${i + 1}/4`, r));
    expect(first[2]!.main.exitCode, runLog(first[2]!)).not.toBe(0); // shard 3 is red
    expect(first.filter((r) => r.main.exitCode === 0)).toHaveLength(3);

    // Attempt 2: only the failed job runs again (upstream is back), then the report job.
    const again = await shardRun(3, 2, { FLAKY: "" });
    describeRun("rerun-matrix attempt 2 shard 3/4", again);
    expect(again.main.exitCode, runLog(again)).toBe(0);
    const mine = gh.artifacts().filter((a) => a.runId === runId && a.name.includes("-shard-3-of-4-"));
    // The re-run's artifact got the lower id: "newest by id" would pick the old one.
    expect(mine.find((a) => a.runAttempt === 2)!.id).toBeLessThan(mine.find((a) => a.runAttempt === 1)!.id);

    const report = await playRun({
      gh,
      runId,
      runAttempt: 2,
      inputs: { mode: "report", "state-key": s.stateKey, "github-token": tokenOf(runId, 2, "-report") },
    });
    describeRun("rerun-matrix attempt 2 report", report);
    expect(report.main.exitCode, runLog(report)).toBe(0);
    expect(runLog(report)).not.toMatch(/missing from the report/);
    expect(report.outputs).toMatchObject({ complete: "true", remaining: "0" });
    for (const i of [1, 2, 3, 4]) expect(report.summary).toMatch(new RegExp(`\\| ${i}/4 \\| \\d+ \\| \\d+ \\| 0 \\| 0 \\| 0 \\|`));
    expect(report.summary).toMatch(/\(4 of 4 shards\)/);
    expect(gh.restCalls(tokenOf(runId, 2, "-report")).map((q) => q.route)).toContain("rest.listRunArtifacts");
    expect(repeats(recordLines(s.record))).toEqual([]);
    expect(recordLines(s.record).sort()).toEqual(items);
  });

  it("item 3: a restore that hits the cache costs one REST request; a spent rate limit is a warning and the cache's state is used", async () => {
    const s = scenario("budget-rest");
    const inputs = (runId: number) => ({ items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, "github-token": tokenOf(runId) });
    const env = { RECORD: s.record, FLAKY: "" };
    const run1 = await playRun({ gh, runId: 8200, inputs: inputs(8200), env, files: { "items.jsonl": jsonl(ids(3)) } });
    describeRun("budget-rest/1", run1);
    const run2 = await playRun({ gh, runId: 8201, inputs: inputs(8201), env, files: { "items.jsonl": jsonl(ids(5)) } });
    describeRun("budget-rest/2", run2);
    expect(run2.outputs).toMatchObject({ "state-source": "cache", processed: "2" });
    // The one exact name after the cache's state #1; no download, no listing of the repository.
    expect(gh.restCalls(tokenOf(8201)).map((q) => q.url.replace(/^.*\/actions\//, ""))).toEqual([
      `artifacts?name=resumable-batch-${s.stateKey}-state-2&per_page=100&page=1`,
    ]);

    gh.injectFault({ service: "rest", token: tokenOf(8202), action: { kind: "rate-limit" } });
    const run3 = await playRun({ gh, runId: 8202, inputs: inputs(8202), env, files: { "items.jsonl": jsonl(ids(6)) } });
    describeRun("budget-rest/3 (rate limit spent)", run3);
    expect(run3.main.exitCode).toBe(0);
    expect(run3.main.stdout).toMatch(/::warning::.*rate limit is spent.*going on without artifacts/);
    expect(run3.outputs).toMatchObject({ "state-source": "cache", processed: "1" });
    expect(repeats(recordLines(s.record))).toEqual([]);
  });

  it("item 4: an outage of both stores runs nothing and saves nothing; the next run goes on from the saved state", async () => {
    const s = scenario("outage");
    const inputs = (runId: number) => ({ items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, "github-token": tokenOf(runId) });
    const env = { RECORD: s.record, FLAKY: "" };
    const run1 = await playRun({ gh, runId: 8300, inputs: inputs(8300), env, files: { "items.jsonl": jsonl(ids(4)) } });
    describeRun("outage/1", run1);

    // Run 2: the cache drops the connection, the REST budget is spent.
    gh.injectFault({ service: "cache", runId: 8301, action: { kind: "reset" } });
    gh.injectFault({ service: "rest", token: tokenOf(8301), action: { kind: "rate-limit", status: 429 } });
    const run2 = await playRun({ gh, runId: 8301, inputs: inputs(8301), env, files: { "items.jsonl": jsonl(ids(8)) } });
    describeRun("outage/2 (cache and REST down)", run2);
    expect(run2.main.exitCode).toBe(0);
    expect(run2.outputs).toMatchObject({ "state-source": "unavailable", processed: "0", complete: "false" });
    expect(run2.main.stdout).toMatch(/::warning title=resumable-batch%3A state unreachable%2C nothing run::Nothing was run/);
    expect(run2.summary).toMatch(/Nothing was run: the saved state could not be reached/);
    expect(gh.artifacts().filter((a) => a.runId === 8301)).toEqual([]);
    expect(gh.cacheEntries().filter((e) => e.key.endsWith("/8301-1"))).toEqual([]);

    const run3 = await playRun({ gh, runId: 8302, inputs: inputs(8302), env, files: { "items.jsonl": jsonl(ids(8)) } });
    describeRun("outage/3", run3);
    expect(run3.outputs).toMatchObject({ "state-source": "cache", processed: "4", complete: "true" });
    expect(
      gh
        .artifacts()
        .filter((a) => a.runId === 8302)
        .map((a) => a.name),
    ).toEqual([`resumable-batch-${s.stateKey}-state-2`]);
    expect(repeats(recordLines(s.record))).toEqual([]);
    expect(recordLines(s.record).sort()).toEqual(ids(8));
  });

  it("item 5: a cache that hangs is waited for once: main's restore times out, post uploads the artifact and skips the cache", async () => {
    const s = scenario("hang-once");
    const inputs = (runId: number) => ({ items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, "github-token": tokenOf(runId) });
    // Every service call is capped at this (the hung cache restore costs all of it); long enough
    // for the artifact upload on a loaded machine.
    const env = { RECORD: s.record, FLAKY: "", RESUMABLE_BATCH_SERVICE_TIMEOUT: "8s" };
    await playRun({ gh, runId: 8400, inputs: inputs(8400), env, files: { "items.jsonl": jsonl(ids(2)) } });
    gh.injectFault({ service: "cache", runId: 8401, action: { kind: "hang" } });
    const run2 = await playRun({ gh, runId: 8401, inputs: inputs(8401), env, files: { "items.jsonl": jsonl(ids(4)) } });
    describeRun("hang-once/2 (cache hangs)", run2);
    expect(run2.main.exitCode).toBe(0);
    expect(run2.post.exitCode).toBe(0);
    expect(run2.main.stdout).toMatch(/cache restore did not finish within 8(\.0)?s; the cache is not called again in this job/);
    expect(run2.outputs).toMatchObject({ "state-source": "artifact", processed: "2" });
    // One cache request in the whole job (the hung restore); the artifact went up in post.
    const ofRun = gh.requests().filter((q) => q.runId === 8401);
    expect(ofRun.filter((q) => q.route.startsWith("cache.")).map((q) => q.route)).toEqual(["cache.GetCacheEntryDownloadURL"]);
    expect(ofRun.map((q) => q.route)).toContain("artifact.FinalizeArtifact");
    expect(run2.post.stdout).toMatch(/skipped: the cache did not answer in time in the main step/);
    expect(repeats(recordLines(s.record))).toEqual([]);
  });

  it("one batch, whichever setup: the reusable workflow's shard 1/1 and the action alone share one state, both ways", async () => {
    const s = scenario("switch");
    const env = { RECORD: s.record, FLAKY: "" };
    const base = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey };
    // The reusable workflow with shards: 1 passes shard 1/1, then runs its report job.
    const viaWorkflow = await playRun({
      gh,
      runId: 8500,
      inputs: { ...base, shard: "1/1", "github-token": tokenOf(8500) },
      env,
      files: { "items.jsonl": jsonl(ids(3)) },
    });
    describeRun("switch/1 (reusable workflow, shard 1/1)", viaWorkflow);
    const report = await playRun({
      gh,
      runId: 8500,
      inputs: { mode: "report", "state-key": s.stateKey, "github-token": tokenOf(8500, 1, "-report") },
    });
    expect(report.outputs, runLog(report)).toMatchObject({ processed: "3", complete: "true" });
    // What every example looks for: `resumable-batch-<state-key>-state-*` and the `/all/` cache prefix.
    expect(
      gh
        .artifacts()
        .filter((a) => a.runId === 8500)
        .map((a) => a.name)
        .sort(),
    ).toEqual([`resumable-batch-${s.stateKey}-report-1`, `resumable-batch-${s.stateKey}-state-1`]);
    expect(
      gh
        .cacheEntries()
        .filter((e) => e.key.includes(`/${s.stateKey}/`))
        .map((e) => e.key),
    ).toEqual([`resumable-batch/${s.stateKey}/all/8500-1`]);

    // Moving to the action in one's own workflow resumes ...
    const direct = await playRun({
      gh,
      runId: 8501,
      inputs: { ...base, "github-token": tokenOf(8501) },
      env,
      files: { "items.jsonl": jsonl(ids(5)) },
    });
    describeRun("switch/2 (the action alone)", direct);
    expect(direct.outputs).toMatchObject({ "state-source": "cache", processed: "2" });
    // ... and so does moving back.
    const back = await playRun({
      gh,
      runId: 8502,
      inputs: { ...base, shard: "1/1", "github-token": tokenOf(8502) },
      env,
      files: { "items.jsonl": jsonl(ids(6)) },
    });
    describeRun("switch/3 (reusable workflow again)", back);
    expect(back.outputs).toMatchObject({ "state-source": "cache", processed: "1" });
    expect(repeats(recordLines(s.record))).toEqual([]);
    expect(recordLines(s.record).sort()).toEqual(ids(6));
  });
});
