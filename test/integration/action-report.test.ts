// mode: report — merging a matrix run's shard artifacts into one summary and one artifact,
// on the action's fakes. Each shard is main + post of its own job in the same workflow run;
// the jobs share the run's cache and artifact store.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shardFigures } from "../../src/action/report-shards.js";
import { pickShardArtifacts } from "../../src/action/report-artifacts.js";
import { runMain } from "../../src/action/main.js";
import { runPost } from "../../src/action/post.js";
import { CHAIN_ACTOR } from "../../src/action/chain.js";
import { BatchState } from "../../src/core/state/batch-state.js";
import { shardOf } from "../../src/core/input/shard.js";
import type { FailureRecord } from "../../src/core/platform/types.js";
import { fixture, hang, type Fixture } from "../support/action-fakes.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const IDS = [...Array.from({ length: 24 }, (_, i) => `item-${i}`), ...Array.from({ length: 6 }, (_, i) => `bad-${i}`)];
const FAILING = 'case "$ITEM_ID" in bad*) echo "upstream said no to $ITEM_ID" >&2; exit 1;; esac';

/** The stores every job of the repository sees (cache entries, artifacts of all runs). */
interface Repo {
  cache: Fixture["cache"]["entries"];
  artifacts: Fixture["artifacts"]["stored"];
}
const newRepo = (): Repo => ({ cache: [], artifacts: [] });

function job(repo: Repo, runId: number, inputs: Record<string, string>, o: { runAttempt?: number } = {}): Fixture {
  const f = fixture({ runId, runAttempt: o.runAttempt, inputs: { "max-attempts": "1", ...inputs } });
  // Some jobs get ~400 ms of budget for items: the python3 spawn helper's start-up could
  // take that on a loaded machine. Merging shards does not depend on how commands start.
  f.host.env.RESUMABLE_BATCH_SPAWN_SERVER = "0";
  made.push(join(f.workspace, ".."));
  writeFileSync(join(f.workspace, "items.jsonl"), IDS.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  f.cache.entries = repo.cache;
  f.artifacts.stored = repo.artifacts;
  return f;
}

async function shardJob(
  repo: Repo,
  runId: number,
  shard: string,
  inputs: Record<string, string> = {},
  o: { runAttempt?: number } = {},
): Promise<Fixture> {
  const f = job(repo, runId, { items: "items.jsonl", run: FAILING, shard, ...inputs }, o);
  await runMain(f.host);
  await runPost(f.host);
  expect(f.core.failed).toBeUndefined();
  return f;
}

async function reportJob(repo: Repo, runId: number, inputs: Record<string, string> = {}, o: { runAttempt?: number } = {}): Promise<Fixture> {
  const f = job(repo, runId, { mode: "report", ...inputs }, o);
  await runMain(f.host);
  await runPost(f.host);
  return f;
}

const reportFiles = (f: Fixture, name = "resumable-batch-default-report-1") => f.artifacts.stored.find((a) => a.name === name)?.files;

describe("mode: report", () => {
  it("merges the shards' results into one results.jsonl in the report artifact, and says how many", async () => {
    const repo = newRepo();
    const run = `${FAILING}; echo "{\\"id\\":\\"$ITEM_ID\\"}"`;
    for (const i of [1, 2]) await shardJob(repo, 100, `${i}/2`, { run, results: "true" });
    const r = await reportJob(repo, 100);
    const files = reportFiles(r)!;
    const lines = files["results.jsonl"]!.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; result: { id: string }; shard: string });
    expect(lines.map((l) => l.id).sort()).toEqual(IDS.filter((id) => id.startsWith("item-")).sort());
    expect(lines.every((l) => l.result.id === l.id && l.shard === (shardOf(l.id, 2) === 1 ? "1/2" : "2/2"))).toBe(true);
    expect(r.core.summary).toMatch(
      /### Results\n\n24 item\(s\) have a result record\. They are in `results\.jsonl` in the report artifact `resumable-batch-default-report-1`/,
    );
    expect(reportFiles(r)!["report.html"]).toMatch(/id="results-count">24</);
  });

  it("merges three shards' states: one summary, one artifact with each failure's shard, outputs summed, no cache entry", async () => {
    const repo = newRepo();
    const shards = [];
    for (const i of [1, 2, 3]) shards.push(await shardJob(repo, 100, `${i}/3`));
    const cacheBefore = repo.cache.length;
    expect(cacheBefore).toBe(3);

    const r = await reportJob(repo, 100);
    expect(r.core.failed).toBeUndefined();
    expect(r.core.outputs).toEqual({
      processed: "30",
      succeeded: "24",
      failed: "6",
      remaining: "0",
      complete: "true",
      pass: "1",
      "next-pass-after": "",
      "state-source": "artifact",
    });
    // Each shard's own figures add up to the same.
    expect(shards.reduce((n, s) => n + Number(s.core.outputs.processed), 0)).toBe(30);

    // Nothing went to the cache: the report job neither restored nor saved.
    expect(r.cache.calls).toEqual([]);
    expect(repo.cache).toHaveLength(cacheBefore);
    expect(r.core.text("info")).toMatch(/mode: report: .*nothing to save here/);
    // This run's artifacts through the REST API (one page), not the internal listing.
    expect(r.artifacts.listed).toEqual(["run:100"]);
    expect(r.artifacts.runListings).toBe(0);

    // One merged artifact: failures.json (with shards), summary.md, report.html.
    expect(r.artifacts.uploads).toEqual(
      [{ name: "resumable-batch-default-report-1", files: ["failures.json", "report.html", "summary.md"].sort(), retentionDays: 7 }].map((u) => ({
        ...u,
        files: expect.arrayContaining(u.files),
      })),
    );
    const files = reportFiles(r)!;
    const failures = (JSON.parse(files["failures.json"]!) as { failures: FailureRecord[] }).failures;
    expect(failures.map((f) => f.id).sort()).toEqual(IDS.filter((id) => id.startsWith("bad")).sort());
    for (const f of failures) expect(f.shard).toBe(`${shardOf(f.id, 3)}/3`);
    expect(files["report.html"]).toMatch(/<html/i);
    expect(files["summary.md"]).toContain("### Shards");

    // One job summary: overall counts, per shard, failure groups, each failure's shard.
    const s = r.core.summary;
    expect(s).toMatch(/## resumable-batch — default \(3 shards\)/);
    expect(s).toMatch(/\| This run \| 30 \| 24 \| 6 \|/);
    expect(s).toMatch(/\| All runs \| 30 \| 24 \| 6 \| 0 \|/);
    for (const [i, shard] of shards.entries()) {
      const o = shard.core.outputs;
      expect(s).toContain(`| ${i + 1}/3 | ${o.processed} | ${o.succeeded} | ${o.failed} | 0 | ${o.failed} |`);
    }
    expect(s).toMatch(/### Failure causes\n\n6 failed items in 1 cause/);
    expect(s).toMatch(/\| Id \| Shard \| Kind \|/);
    for (const f of failures) expect(s).toContain(`| \`${f.id}\` | ${f.shard} | permanent |`);
    expect(s).toMatch(/Merged from the state artifacts the shards of this workflow run uploaded\. \(3 of 3 shards\)/);
    expect(s).toMatch(/- Report artifact: uploaded as `resumable-batch-default-report-1`/);
  });

  it("warns loudly, naming it, when a shard left no artifact; reports the others; not complete", async () => {
    const repo = newRepo();
    for (const i of [1, 2, 4]) await shardJob(repo, 100, `${i}/4`);
    const r = await reportJob(repo, 100);
    expect(r.core.failed).toBeUndefined();
    const warning = r.core.logs.find((l) => l.title === "resumable-batch: shard 3/4 missing from the report");
    expect(warning?.level).toBe("warning");
    expect(warning?.message).toMatch(
      /^shard 3\/4: no state artifact resumable-batch-default-shard-3-of-4-state-<seq> in this workflow run .*its items are not in this report$/,
    );
    expect(r.core.outputs.complete).toBe("false");
    expect(Number(r.core.outputs.processed)).toBe(IDS.filter((id) => shardOf(id, 4) !== 3).length);
    expect(r.core.summary).toMatch(/> \[!WARNING\]\n> \*\*1 of 4 shard\(s\) missing from this report:\*\*/);
    expect(r.core.summary).toMatch(/\| 3\/4 \| – \| – \| – \| – \| – \| – \| \*\*missing\*\* \|/);
    expect(reportFiles(r)).toBeDefined();
  });

  it("a shard artifact that does not download or holds foreign files is a warning for that shard", async () => {
    const repo = newRepo();
    for (const i of [1, 2]) await shardJob(repo, 100, `${i}/2`);
    repo.artifacts.find((a) => a.name.includes("shard-2-of-2"))!.files["evil.sh"] = "rm -rf /";
    const r = await reportJob(repo, 100);
    expect(r.core.text("warning")).toMatch(/shard 2\/2: artifact resumable-batch-default-shard-2-of-2-state-1 rejected: unexpected entry 'evil\.sh'/);

    const g = job(repo, 100, { mode: "report" });
    g.artifacts.onDownload = hang;
    g.host.timeouts = { ...g.host.timeouts, artifactDownloadMs: 30 };
    await runMain(g.host);
    expect(g.core.failed).toBeUndefined();
    expect(g.core.text("warning")).toMatch(
      /shard 1\/2: downloading resumable-batch-default-shard-1-of-2-state-1 \(id \d+\) did not finish within 30ms/,
    );
  });

  it("without any shard artifact, or when listing fails: a warning and empty outputs, not a crash", async () => {
    const r = await reportJob(newRepo(), 100, { "state-key": "nightly" });
    expect(r.core.failed).toBeUndefined();
    expect(r.core.logs.find((l) => l.title === "resumable-batch: no shards to report")?.message).toMatch(
      /no shard state artifact \(resumable-batch-nightly-shard-<i>-of-<n>-state-<seq>\) in this workflow run/,
    );
    expect(r.core.outputs).toMatchObject({ processed: "0", complete: "false" });
    expect(r.artifacts.uploads).toEqual([]);

    const g = job(newRepo(), 100, { mode: "report" });
    g.artifacts.onList = async () => {
      throw new Error("ECONNRESET");
    };
    await runMain(g.host);
    expect(g.core.failed).toBeUndefined();
    expect(g.core.text("warning")).toMatch(/listing this run's artifacts failed: ECONNRESET/);
  });

  it("reports per shard the newest attempt (a re-run of failed jobs re-runs only some shards)", async () => {
    const repo = newRepo();
    await shardJob(repo, 100, "1/2");
    await shardJob(repo, 100, "2/2", { run: "exit 1" }); // attempt 1: everything fails
    await shardJob(repo, 100, "2/2", { "retry-failures": "true", run: "true" }, { runAttempt: 2 });
    const r = await reportJob(repo, 100, {}, { runAttempt: 2 });
    expect(r.artifacts.uploads.map((u) => u.name)).toEqual(["resumable-batch-default-report-2"]);
    // Shard 1's figures from attempt 1; shard 2's from its retry in attempt 2.
    const failures = JSON.parse(reportFiles(r, "resumable-batch-default-report-2")!["failures.json"]!).failures as FailureRecord[];
    expect(failures.every((f) => f.shard === "1/2" && f.id.startsWith("bad"))).toBe(true);
    expect(r.core.summary).toMatch(/\| 2\/2 \| \d+ \| \d+ \| 0 \| 0 \| 0 \| .* \| complete \(retry-failures\) \|/);
    // Shard 2's retry pass re-attempted every one of its items, which all failed in attempt 1.
    expect(r.core.outputs).toMatchObject({
      failed: String(IDS.filter((id) => id.startsWith("bad") && shardOf(id, 2) === 1).length),
      remaining: "0",
      complete: "true",
    });
    expect(r.core.outputs.processed).toBe(String(IDS.filter((id) => shardOf(id, 2) === 1).length + IDS.filter((id) => shardOf(id, 2) === 2).length));
  });

  it("retry-failures over shards: each shard re-attempts only its own failures", async () => {
    const repo = newRepo();
    for (const i of [1, 2, 3]) await shardJob(repo, 100, `${i}/3`);
    const retried = [];
    for (const i of [1, 2, 3])
      retried.push(await shardJob(repo, 101, `${i}/3`, { "retry-failures": "true", run: 'echo "$ITEM_ID" >> "$RUNNER_TEMP/ids"' }));
    for (const [i, f] of retried.entries()) {
      const own = IDS.filter((id) => id.startsWith("bad") && shardOf(id, 3) === i + 1);
      expect(f.core.outputs).toMatchObject({ processed: String(own.length), succeeded: String(own.length), complete: "true" });
    }
    const r = await reportJob(repo, 101);
    expect(r.core.outputs).toMatchObject({ processed: "6", succeeded: "6", failed: "0", remaining: "0", complete: "true" });
    expect(JSON.parse(reportFiles(r)!["failures.json"]!).failures).toEqual([]);
  });

  it("continue: dispatch — only the report job dispatches, when shards stopped on the budget after progress", async () => {
    const repo = newRepo();
    const budget = { run: "sleep 0.1", "time-budget": "5400ms", continue: "dispatch" };
    const shards = [];
    for (const i of [1, 2]) shards.push(await shardJob(repo, 100, `${i}/2`, budget));
    for (const s of shards) expect(s.workflows.dispatches).toEqual([]);
    const r = await reportJob(repo, 100, { continue: "dispatch", "max-chain": "2" });
    expect(r.core.outputs.complete).toBe("false");
    expect(r.workflows.dispatches).toMatchObject([{ workflowId: "nightly.yml", ref: "refs/heads/main" }]);
    expect(r.core.summary).toMatch(/### Continuing\n\nStarted `nightly\.yml` again/);

    // The dispatched run (the bot's): shards count 1 in the chain; max-chain 1 stops there.
    const next = [];
    for (const i of [1, 2]) {
      const f = job(repo, 101, { items: "items.jsonl", shard: `${i}/2`, ...budget });
      Object.assign(f.host.env, { GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_ACTOR: CHAIN_ACTOR });
      await runMain(f.host);
      await runPost(f.host);
      next.push(f);
    }
    const r2 = job(repo, 101, { mode: "report", continue: "dispatch", "max-chain": "1" });
    await runMain(r2.host);
    expect(r2.workflows.dispatches).toEqual([]);
    expect(r2.core.text("info")).toMatch(/this is run 1 of a chain and max-chain is 1/);
  });

  it("continue: dispatch — no dispatch when the shards finished, or when one is missing", async () => {
    const repo = newRepo();
    for (const i of [1, 2]) await shardJob(repo, 100, `${i}/2`);
    const r = await reportJob(repo, 100, { continue: "dispatch" });
    expect(r.workflows.dispatches).toEqual([]);
    expect(r.core.summary).toMatch(/Not started again: nothing is left to do/);

    const repo2 = newRepo();
    await shardJob(repo2, 100, "1/2", { run: "sleep 0.1", "time-budget": "5400ms" });
    const r2 = await reportJob(repo2, 100, { continue: "dispatch" });
    expect(r2.workflows.dispatches).toEqual([]);
    expect(r2.core.summary).toMatch(/Not started again: shard\(s\) 2\/2 left no state/);
  });
});

describe("pickShardArtifacts", () => {
  it("keeps this state key's state artifacts, the newest matrix, per shard the highest seq then the latest creation, never the id", () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 12, minute)).toISOString();
    const a = (id: number, name: string, minute: number) => ({ id, name, createdAt: at(minute) });
    const picked = pickShardArtifacts("k", [
      a(500, "resumable-batch-k-shard-1-of-2-state-7", 1),
      a(501, "resumable-batch-k-shard-2-of-2-state-7", 1),
      // "Re-run failed jobs": shard 2's attempt 2 continues state #7 and gets a LOWER id.
      a(12, "resumable-batch-k-shard-2-of-2-state-8", 9),
      a(13, "resumable-batch-k-x-shard-1-of-2-state-9", 9), // state key k-x
      a(14, "resumable-batch-k-report-1", 9),
    ]);
    expect(picked.count).toBe(2);
    expect([...picked.byIndex.entries()].map(([i, x]) => [i, x.id])).toEqual([
      [1, 500],
      [2, 12],
    ]);
    // The same seq twice (two runs' artifacts listed together): the later creation wins.
    const twice = pickShardArtifacts("k", [a(40, "resumable-batch-k-shard-1-of-2-state-3", 5), a(30, "resumable-batch-k-shard-1-of-2-state-3", 6)]);
    expect(twice.byIndex.get(1)?.id).toBe(30);
    // The newest matrix is the most recently created one, whatever the ids say.
    expect(
      pickShardArtifacts("k", [a(9, "resumable-batch-k-shard-1-of-2-state-1", 1), a(1, "resumable-batch-k-shard-1-of-3-state-1", 2)]),
    ).toMatchObject({ count: 3, otherCounts: [2] });
  });

  it("counts an unsharded state artifact as shard 1 of 1 (the reusable workflow's shards: 1)", () => {
    const picked = pickShardArtifacts("k", [{ id: 3, name: "resumable-batch-k-state-4", createdAt: "" }]);
    expect(picked.count).toBe(1);
    expect(picked.byIndex.get(1)).toMatchObject({ id: 3, seq: 4 });
  });
});

describe("shardFigures", () => {
  it("a retry-failures pass stopped on the budget leaves the failures it did not reach", () => {
    const state = new BatchState();
    const fail = (id: string, last: string) =>
      state.apply({ t: "fail", id, kind: "permanent", error: "x", attempts: 1, runs: 1, first: last, last, item: id });
    fail("a", "2025-01-01T00:00:00.000Z");
    fail("b", "2025-01-01T00:00:00.000Z");
    state.apply({ t: "start", seq: 2, runId: "5", runAttempt: 1, mode: "retry-failures", at: "2025-01-02T00:00:00.000Z" });
    fail("a", "2025-01-02T00:00:01.000Z");
    state.apply({ t: "end", seq: 2, at: "2025-01-02T00:00:02.000Z", succeeded: 0, failed: 1, stopReason: "budget" });
    expect(shardFigures(state, "5")).toMatchObject({
      ran: true,
      mode: "retry-failures",
      processed: 1,
      remaining: 1,
      stopReason: "budget",
      durationMs: 2000,
    });
    expect(shardFigures(state, "6")).toMatchObject({ ran: false, processed: 0 });
  });
});
