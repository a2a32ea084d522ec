// The built action (dist/main, dist/post) against the local Actions service stand-in: a
// matrix of shards merged by a `mode: report` job, and a chain of runs that start each other
// with `continue: dispatch`. Each scenario prints what was restored, processed and saved.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/core/input/shard.js";
import type { FailureRecord } from "../../src/core/platform/types.js";
import { artifactFile, assertBuilt, playRun, recordLines, repeats, runLog, scenario, type RunResult } from "./harness.js";
import type { FakeGitHub } from "./service/fake-github.js";
import { useStandIn } from "./service/stand-in.js";

let gh: FakeGitHub;
useStandIn({
  before: assertBuilt,
  started: (s) => void (gh = s.gh),
  wallTimeLabel: "shards and chain",
});

/** Sleeps $DELAY, fails the ids listed in $BROKEN, records every other id it finishes in $RECORD. */
const HANDLER =
  'sleep "${DELAY:-0.02}"; case ",$BROKEN," in *",$ITEM_ID,"*) echo "cannot sync $ITEM_ID: field email is invalid" >&2; exit 1;; esac; printf "%s\\n" "$ITEM_ID" >> "$RECORD"';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `item-${String(i + 1).padStart(3, "0")}`);
const jsonl = (list: string[]) => list.map((id) => JSON.stringify({ id })).join("\n") + "\n";

/** One line per run: where its state came from, what it did, where its state went. */
function describeRun(label: string, r: RunResult, stateKey: string, artifactPart = ""): void {
  const o = r.outputs;
  const saved = [
    gh
      .cacheEntries()
      .some((e) => e.key.startsWith(`resumable-batch/${stateKey}/`) && e.key.endsWith(`/${r.runId}-${r.runAttempt}`) && e.key.includes(artifactPart))
      ? "cache"
      : undefined,
    ...gh
      .artifacts()
      .filter((a) => a.runId === r.runId && a.name.startsWith(`resumable-batch-${stateKey}-${artifactPart}`))
      .map((a) => `artifact ${a.name}`),
  ].filter(Boolean);
  console.log(
    `[e2e] ${label}: run ${r.runId}#${r.runAttempt} restored from ${o["state-source"]}; processed ${o.processed} ` +
      `(${o.succeeded} ok, ${o.failed} failed), ${o.remaining} left, complete=${o.complete}; saved to ${saved.join(" + ") || "nothing"}; ` +
      `main ${(r.main.durationMs / 1000).toFixed(1)}s exit ${r.main.exitCode}, post ${(r.post.durationMs / 1000).toFixed(1)}s exit ${r.post.exitCode}`,
  );
}

/** Sequence numbers of the stand-in's requests of `route` for `runId` that succeeded. */
function requestSeqs(route: string, runId?: number): number[] {
  return gh
    .requests()
    .filter((q) => q.route === route && (runId === undefined || q.runId === runId) && q.status !== undefined && q.status < 300)
    .map((q) => q.seq);
}

describe.concurrent("shards and chains through the built action", () => {
  it("a 4-shard matrix: every item once across the shards; the report job merges them into one summary and one artifact", async () => {
    const s = scenario("matrix");
    const items = ids(40);
    const broken = ["item-003", "item-017", "item-028", "item-036"];
    const runId = 7100;
    const common = {
      gh,
      runId,
      files: { "items.jsonl": jsonl(items) },
      env: { RECORD: s.record, BROKEN: broken.join(","), DELAY: "0.01" },
    };
    // The matrix's four jobs run side by side, like a runner pool would run them.
    const shards = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        playRun({
          ...common,
          inputs: { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, shard: `${i}/4`, "max-attempts": "1", concurrency: "2" },
        }),
      ),
    );
    shards.forEach((r, i) => {
      describeRun(`matrix shard ${i + 1}/4`, r, s.stateKey, `shard-${i + 1}-of-4`);
      expect(r.main.exitCode, runLog(r)).toBe(0);
      expect(r.post.exitCode, runLog(r)).toBe(0);
      expect(r.outputs.processed).toBe(String(items.filter((id) => shardOf(id, 4) === i + 1).length));
    });

    // Every item processed exactly once, each by the shard its id hashes to.
    const record = recordLines(s.record);
    expect(repeats(record)).toEqual([]);
    expect([...record].sort()).toEqual(items.filter((id) => !broken.includes(id)));

    const cacheBefore = gh.cacheEntries().filter((e) => e.key.startsWith(`resumable-batch/${s.stateKey}/`)).length;
    const requestsBefore = gh.requests().length;
    const report = await playRun({ gh, runId, inputs: { mode: "report", "state-key": s.stateKey } });
    console.log(
      `[e2e] matrix report: run ${runId} merged the 4 shards' state artifacts; ${report.outputs.processed} processed (${report.outputs.succeeded} ok, ` +
        `${report.outputs.failed} failed), complete=${report.outputs.complete}; saved ${gh
          .artifacts()
          .filter((a) => a.runId === runId && a.name.includes("-report-"))
          .map((a) => `artifact ${a.name}`)
          .join(", ")} and no cache entry`,
    );
    expect(report.main.exitCode, runLog(report)).toBe(0);
    expect(report.post.exitCode, runLog(report)).toBe(0);
    expect(report.outputs).toMatchObject({ processed: "40", succeeded: "36", failed: "4", remaining: "0", complete: "true" });
    // The report job neither restores nor saves a cache entry.
    expect(gh.cacheEntries().filter((e) => e.key.startsWith(`resumable-batch/${s.stateKey}/`))).toHaveLength(cacheBefore);
    const reportRequests = gh
      .requests()
      .slice(requestsBefore)
      .filter((q) => q.runId === runId);
    expect(reportRequests.filter((q) => q.route.startsWith("cache."))).toEqual([]);
    // This run's artifacts through the REST API (an earlier attempt's are out of the internal API's reach).
    expect(reportRequests.map((q) => q.route)).not.toContain("artifact.ListArtifacts");
    expect(
      gh
        .requests()
        .slice(requestsBefore)
        .map((q) => q.route),
    ).toContain("rest.listRunArtifacts");

    const failures = (
      JSON.parse(await artifactFile(gh, runId, (a) => a.name === `resumable-batch-${s.stateKey}-report-1`, "failures.json")) as {
        failures: FailureRecord[];
      }
    ).failures;
    console.log(`[e2e] matrix report: failures.json holds ${failures.map((f) => `${f.id} (shard ${f.shard})`).join(", ")}`);
    expect(failures.map((f) => f.id).sort()).toEqual(broken);
    for (const f of failures) expect(f.shard).toBe(`${shardOf(f.id, 4)}/4`);
    expect(await artifactFile(gh, runId, (a) => a.name === `resumable-batch-${s.stateKey}-report-1`, "summary.md")).toContain("### Shards");
    expect(report.summary).toMatch(/## resumable-batch — matrix \(4 shards\)/);
    for (const f of failures) expect(report.summary).toContain(`| \`${f.id}\` | ${f.shard} |`);
  });

  it("continue: dispatch — a chain of three runs: two stop on the budget and start the next, the third completes and does not", async () => {
    const s = scenario("chain");
    const items = ids(40);
    // Each run restores (under a second against the stand-in), then has about 4 s to work
    // before the budget's 5 s reserve begins: runs 1 and 2 (0.4 s an item) leave items; run 3,
    // with a quick handler, has room to spare for the rest.
    const inputs = { items: "items.jsonl", run: HANDLER, "state-key": s.stateKey, "time-budget": "10s", continue: "dispatch", "max-chain": "5" };
    const workflowRef = `${gh.owner}/${gh.repo}/.github/workflows/batch.yml@refs/heads/main`;
    const eventFile = (inputs: Record<string, unknown>) => {
      const path = join(s.dir, `event-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, JSON.stringify({ inputs, ref: "refs/heads/main", workflow: ".github/workflows/batch.yml" }));
      return path;
    };
    const play = (runId: number, actor: string, eventInputs: Record<string, unknown>, delay: string) =>
      playRun({
        gh,
        runId,
        inputs,
        files: { "items.jsonl": jsonl(items) },
        env: {
          RECORD: s.record,
          BROKEN: "",
          DELAY: delay,
          GITHUB_EVENT_NAME: "workflow_dispatch",
          GITHUB_ACTOR: actor,
          GITHUB_EVENT_PATH: eventFile(eventInputs),
          GITHUB_WORKFLOW_REF: workflowRef,
        },
      });
    const dispatchesOf = (runs: number) =>
      gh
        .dispatches()
        .filter((d) => d.workflowId === "batch.yml")
        .slice(0, runs);

    // Run 1: a person starts it by hand with an input; it stops on the budget with items left.
    const run1 = await play(7200, "octocat", { "retry-failures": false, note: "chain" }, "0.4");
    describeRun("chain run 1", run1, s.stateKey);
    expect(run1.post.exitCode, runLog(run1)).toBe(0);
    expect(Number(run1.outputs.processed), runLog(run1)).toBeGreaterThan(0);
    expect(run1.outputs.complete).toBe("false");
    expect(dispatchesOf(2)).toHaveLength(1);
    const d1 = dispatchesOf(1)[0]!;
    expect(d1).toMatchObject({ workflowId: "batch.yml", ref: "refs/heads/main", inputs: { "retry-failures": "false", note: "chain" } });
    // The state was in the cache and in the artifact before the dispatch went out.
    const [dispatchSeq] = requestSeqs("rest.createDispatch");
    expect(requestSeqs("cache.FinalizeCacheEntryUpload", 7200)[0]).toBeLessThan(dispatchSeq!);
    expect(requestSeqs("artifact.FinalizeArtifact", 7200)[0]).toBeLessThan(dispatchSeq!);
    console.log(`[e2e] chain run 1 dispatched run ${d1.runId} (inputs ${JSON.stringify(d1.inputs)})`);

    // Run 2: the dispatched run (the bot is its actor): counts 1 in the chain, goes on, dispatches again.
    const run2 = await play(d1.runId, "github-actions[bot]", d1.inputs, "0.4");
    describeRun("chain run 2", run2, s.stateKey);
    expect(run2.outputs["state-source"]).toBe("cache");
    expect(Number(run2.outputs.processed), runLog(run2)).toBeGreaterThan(0);
    expect(run2.outputs.complete).toBe("false");
    expect(runLog(run2)).toMatch(/this is run 1 of a chain of runs that started each other/);
    const d2 = gh.dispatches().find((d) => d.workflowId === "batch.yml" && d.runId !== d1.runId)!;
    expect(d2).toMatchObject({ inputs: d1.inputs });
    console.log(`[e2e] chain run 2 dispatched run ${d2.runId}`);

    // Run 3: the handler is quick now; it finishes the rest and starts nothing.
    const run3 = await play(d2.runId, "github-actions[bot]", d2.inputs, "0.01");
    describeRun("chain run 3", run3, s.stateKey);
    expect(run3.outputs["state-source"]).toBe("cache");
    expect(run3.outputs.complete, runLog(run3)).toBe("true");
    expect(runLog(run3)).toMatch(/this is run 2 of a chain/);
    expect(runLog(run3)).toMatch(/continue: not starting the workflow again: nothing is left to do/);
    expect(gh.dispatches().filter((d) => d.workflowId === "batch.yml")).toHaveLength(2);
    expect(run3.summary).toMatch(/### Continuing\n\nNot started again: nothing is left to do/);
    console.log("[e2e] chain run 3 dispatched nothing: nothing is left to do");

    // Across the chain every item ran once.
    const record = recordLines(s.record);
    expect(repeats(record)).toEqual([]);
    expect([...record].sort()).toEqual(items);
    expect(Number(run1.outputs.processed) + Number(run2.outputs.processed) + Number(run3.outputs.processed)).toBe(items.length);
  });
});
