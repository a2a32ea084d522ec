import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runMain } from "../../src/action/main.js";
import { runPost } from "../../src/action/post.js";
import { fixture, type Fixture } from "../support/action-fakes.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const RUN = 'case "$ITEM_ID" in bad*) echo "boom" >&2; exit 1;; esac; echo "{\\"synced\\":\\"$ITEM_ID\\",\\"run\\":$GITHUB_RUN_ID}"';

function setup(ids: string[], runId = 100): Fixture {
  const f = fixture({ runId, inputs: { items: "items.jsonl", run: RUN, "max-attempts": "1", results: "true" } });
  made.push(join(f.workspace, ".."));
  writeFileSync(join(f.workspace, "items.jsonl"), ids.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  return f;
}

/** The next scheduled run: a fresh runner sharing the cache and the artifacts, with the items file as it is now. */
function nextRun(prev: Fixture, runId: number, addIds: string[]): Fixture {
  const f = setup([], runId);
  writeFileSync(join(f.workspace, "items.jsonl"), readFileSync(join(prev.workspace, "items.jsonl")));
  appendFileSync(join(f.workspace, "items.jsonl"), addIds.map((id) => JSON.stringify({ id }) + "\n").join(""));
  f.core.inputs = { ...prev.core.inputs };
  f.cache.entries = prev.cache.entries;
  f.artifacts.stored = prev.artifacts.stored;
  return f;
}

const resultsOf = (f: Fixture, index: number) =>
  f.artifacts.stored[index]!.files["results.jsonl"]!.trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { id: string; result: unknown });

describe("results in the action", () => {
  it("every run's artifact carries results.jsonl so far, built up run after run; the summary says how many and where", async () => {
    const f = setup(["a", "bad"]);
    await runMain(f.host);
    await runPost(f.host);
    expect(resultsOf(f, 0).map((r) => [r.id, r.result])).toEqual([["a", { synced: "a", run: 100 }]]);
    expect(f.core.summary).toMatch(
      /### Results\n\n1 item\(s\) have a result record\. They are in `results\.jsonl` in this run's artifact `resumable-batch-default-state-1`/,
    );
    expect(f.core.summary).toMatch(/gh run download 100 -n resumable-batch-default-state-1/);

    const g = nextRun(f, 101, ["b"]);
    await runMain(g.host);
    await runPost(g.host);
    expect(g.core.outputs["state-source"]).toBe("cache");
    const third = nextRun(g, 102, ["c"]);
    third.cache.entries = []; // evicted: the artifact carries the job log too
    await runMain(third.host);
    await runPost(third.host);
    expect(third.core.outputs["state-source"]).toBe("artifact");
    expect(resultsOf(third, 2).map((r) => [r.id, r.result])).toEqual([
      ["a", { synced: "a", run: 100 }],
      ["b", { synced: "b", run: 101 }],
      ["c", { synced: "c", run: 102 }],
    ]);
    expect(third.artifacts.stored[2]!.files["report.html"]).toMatch(/id="results-count">3</);
    expect(third.artifacts.stored[2]!.files["report.html"]).toMatch(/id="durations"/);
  });
});
