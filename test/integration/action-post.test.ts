import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runMain } from "../../src/action/main.js";
import { runPost } from "../../src/action/post.js";
import { MAX_FAILURE_ANNOTATIONS } from "../../src/action/job-summary.js";
import { loadState } from "../../src/core/state/state-store.js";
import { fixture, hang, type Fixture } from "../support/action-fakes.js";
import { waitUntil } from "../support/wait-until.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(ids: string[] = ["a", "b", "bad"], inputs: Record<string, string> = {}, o: Parameters<typeof fixture>[0] = {}): Fixture {
  const f = fixture({
    ...o,
    inputs: { items: "items.jsonl", run: 'case "$ITEM_ID" in bad*) echo "boom: $ITEM_ID" >&2; exit 1;; esac', "max-attempts": "1", ...inputs },
  });
  made.push(join(f.workspace, ".."));
  writeFileSync(join(f.workspace, "items.jsonl"), ids.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  return f;
}

/** The next run of the same workflow: a fresh runner that shares the cache and the artifacts. */
function nextRun(prev: Fixture, runId: number, o: { runAttempt?: number } = {}): Fixture {
  const f = setup([], {}, { runId, ...o });
  writeFileSync(join(f.workspace, "items.jsonl"), readFileSync(join(prev.workspace, "items.jsonl")));
  f.core.inputs = { ...prev.core.inputs };
  f.cache.entries = prev.cache.entries;
  f.artifacts.stored = prev.artifacts.stored;
  return f;
}

describe("runPost", () => {
  it("does nothing but say so when main never got to restore state", async () => {
    const f = setup([], { concurrency: "0" });
    await runMain(f.host);
    await runPost(f.host);
    expect(f.core.text("info")).toMatch(/the main step stopped before it restored any state/);
    expect(f.cache.calls).toEqual([]);
    expect(f.artifacts.uploads).toEqual([]);
  });

  it("saves to the cache under a new key per run and attempt, uploads the artifact, writes the summary", async () => {
    const f = setup();
    await runMain(f.host);
    await runPost(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.cache.entries.map((e) => e.key)).toEqual(["resumable-batch/default/all/100-1"]);
    expect(f.cache.entries[0]!.path).toBe(".resumable-batch/.cache-transfer");
    expect(Object.keys(f.cache.entries[0]!.files).sort()).toEqual(["chain.json", "failures.json", "outcomes-1.jsonl", "snapshot.json"]);
    expect(f.artifacts.uploads).toEqual([
      {
        name: "resumable-batch-default-state-1",
        files: expect.arrayContaining(["snapshot.json", "outcomes-1.jsonl", "failures.json", "summary.md", "report.html"]),
        retentionDays: 7,
      },
    ]);
    const failures = JSON.parse(f.artifacts.stored[0]!.files["failures.json"]!);
    expect(failures.failures).toMatchObject([{ id: "bad", kind: "permanent", error: expect.stringMatching(/boom: bad/) }]);

    const summary = f.core.summary;
    expect(summary).toMatch(/## resumable-batch — default/);
    expect(summary).toMatch(/\| This run \| 3 \| 2 \| 1 \|/);
    expect(summary).toMatch(/Fresh start/);
    expect(summary).toMatch(/retry-failures.*ticked \(Actions → Nightly batch → Run workflow\)/);
    expect(summary).toMatch(
      /### State saved\n\n- Cache: saved as `resumable-batch\/default\/all\/100-1`\n- Artifact: uploaded as `resumable-batch-default-state-1`, kept 7 day\(s\)/,
    );
    expect(f.artifacts.stored[0]!.files["summary.md"]).toMatch(/\| This run \| 3 \| 2 \| 1 \|/);

    const annotation = f.core.logs.find((l) => l.level === "error");
    expect(annotation).toMatchObject({ message: expect.stringMatching(/^bad: .*boom: bad/), title: "Item bad failed (permanent, 1 attempt(s))" });
  });

  it("round trip: the next run resumes from the cache; after an eviction, from the artifact", async () => {
    const f = setup(["a", "b", "c"], { "time-budget": "1ms" });
    await runMain(f.host);
    await runPost(f.host);
    // Budget stop with nothing done still saves state #1.
    f.core.inputs["time-budget"] = "";
    const g = nextRun(f, 101);
    await runMain(g.host);
    await runPost(g.host);
    expect(g.core.outputs).toMatchObject({ "state-source": "cache", processed: "3", complete: "true" });
    expect(g.cache.entries.map((e) => e.key)).toEqual(["resumable-batch/default/all/100-1", "resumable-batch/default/all/101-1"]);

    const h = nextRun(g, 102);
    h.cache.entries = [];
    await runMain(h.host);
    expect(h.core.outputs).toMatchObject({ "state-source": "artifact", processed: "0", complete: "true" });
    expect(loadState(h.stateDir).state.origin.seq).toBe(3);
  });

  it("a re-run attempt saves under its own key and artifact name", async () => {
    const f = setup(["a"]);
    await runMain(f.host);
    await runPost(f.host);
    const g = nextRun(f, 100, { runAttempt: 2 });
    await runMain(g.host);
    await runPost(g.host);
    expect(g.cache.entries.map((e) => e.key)).toContain("resumable-batch/default/all/100-2");
    expect(g.artifacts.uploads.map((u) => u.name)).toEqual(["resumable-batch-default-state-2"]);
    expect(g.core.outputs["state-source"]).toBe("cache");
  });

  it.each([
    ["returns -1", async () => -1, /the cache service did not accept it/],
    [
      "throws",
      async () => {
        throw new Error("ValidationError: key too long");
      },
      /cache save failed: ValidationError: key too long/,
    ],
    ["hangs", hang<number>, /cache save did not finish within 30ms/],
  ])("when the cache save %s: a warning, the artifact still carries the state, the step stays green", async (_what, onSave, note) => {
    const f = setup();
    f.host.timeouts = { ...f.host.timeouts, cacheSaveMs: 30 };
    await runMain(f.host);
    f.cache.onSave = onSave as () => Promise<number>;
    await runPost(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.artifacts.uploads).toHaveLength(1);
    const warning = f.core.logs.find((l) => l.title === "resumable-batch: state not cached");
    expect(warning?.message).toMatch(note);
    expect(warning?.message).toMatch(/the artifact resumable-batch-default-state-1 carries it/);
    expect(f.core.summary).toMatch(/- Cache: \*\*not saved\*\*/);
    expect(f.core.summary).toMatch(/The next run restores this state from the artifact/);
  });

  it("says loudly when the state was saved nowhere, still without failing", async () => {
    const f = setup();
    f.host.timeouts = { ...f.host.timeouts, artifactUploadMs: 30 };
    await runMain(f.host);
    f.cache.onSave = async () => -1;
    f.artifacts.onUpload = hang;
    await runPost(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.logs.find((l) => l.title === "resumable-batch: state not saved")?.message).toMatch(
      /saved nowhere .*artifact upload did not finish within 30ms/,
    );
    expect(f.core.summary).toMatch(/\[!WARNING\]\n> This run's progress was saved nowhere/);
  });

  it("removes a lock left by a killed main before saving, and saves a journal with a torn line", async () => {
    const f = setup(["a", "b"]);
    await runMain(f.host);
    // As if main had been SIGKILLed mid-run: a lock, journal records, a torn last line, no result.
    const snapshotSeq = loadState(f.stateDir).state.origin.seq;
    writeFileSync(join(f.stateDir, "lock"), JSON.stringify({ pid: 1, host: "elsewhere" }));
    const generation = loadState(f.stateDir).generation;
    appendFileSync(
      join(f.stateDir, `journal-${generation}.jsonl`),
      `{"t":"start","seq":${snapshotSeq + 1},"runId":"100","runAttempt":1,"mode":"run","at":"2025-01-01T00:00:00Z"}\n{"t":"done","id":"c"}\n{"t":"do`,
    );
    delete f.core.state["resumable-batch-result"];
    await runPost(f.host);
    expect(existsSync(join(f.stateDir, "lock"))).toBe(false);
    expect(f.core.text("warning")).toMatch(/the main step did not finish its run/);
    expect(f.core.summary).toMatch(/^> \[!WARNING\]\n> The main step did not run the batch to its end/);
    const files = f.cache.entries[0]!.files;
    expect(Object.keys(files)).not.toContain("lock");
    expect(files[`journal-${generation}.jsonl`]).toMatch(/"id":"c"/);
    expect(f.artifacts.uploads).toHaveLength(1);
  });

  it("never saves a state folder that cannot be read", async () => {
    const f = setup(["a"]);
    await runMain(f.host);
    writeFileSync(join(f.stateDir, "snapshot.json"), "{torn");
    await runPost(f.host);
    expect(f.cache.calls.filter((c) => c.startsWith("save"))).toEqual([]);
    expect(f.artifacts.uploads).toEqual([]);
    expect(f.core.logs.find((l) => l.title === "resumable-batch: state not saved")?.message).toMatch(/cannot be read/);
    expect(f.core.failed).toBeUndefined();
  });

  it("annotates at most 10 failed items of this run, with a notice for the rest", async () => {
    const f = setup(
      Array.from({ length: 14 }, (_, i) => `bad-${i}`),
      { concurrency: "4" },
    );
    await runMain(f.host);
    await runPost(f.host);
    expect(f.core.logs.filter((l) => l.level === "error")).toHaveLength(MAX_FAILURE_ANNOTATIONS);
    expect(f.core.logs.find((l) => l.level === "notice")?.message).toMatch(/4 more item\(s\) failed in this run/);
  });

  it("saves what a main step cancelled mid-run left: the finished items", async () => {
    const f = setup(["a", "slow"], { run: 'if [ "$ITEM_ID" = slow ]; then touch slow-started; sleep 30; fi', "shutdown-grace": "100ms" });
    const running = runMain(f.host);
    // One lane: once the slow item has started, "a" is done and recorded.
    await waitUntil(() => existsSync(join(f.workspace, "slow-started")), "the slow item to start");
    f.signals.fire("SIGINT");
    await running;
    await runPost(f.host);
    const doneLines = f.cache.entries[0]!.files["snapshot.json"]!.split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((r) => r.t === "done");
    expect(doneLines.flatMap((r) => r.ids)).toEqual(["a"]);
    expect(f.core.summary).toMatch(/Stopped by a signal/);
    expect(f.core.failed).toBeUndefined();
  });
});
