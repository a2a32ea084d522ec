import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runMain } from "../../src/action/main.js";
import { mainPostState } from "../../src/action/main-post-state.js";
import { StopLatch } from "../../src/action/stop-latch.js";
import { BatchState } from "../../src/core/state/batch-state.js";
import { compactState, loadState } from "../../src/core/state/state-store.js";
import { FakeSignals, fixture, hang, readFolder, writeFolder, type Files, type Fixture } from "../support/action-fakes.js";
import { waitUntil } from "../support/wait-until.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A saved state (snapshot.json) of sequence `seq` in which `done` are finished. */
function savedState(seq: number, done: string[], runId = String(seq)): Files {
  const dir = mkdtempSync(join(tmpdir(), "rb-state-"));
  made.push(dir);
  const state = new BatchState();
  state.apply({ t: "start", seq, runId, runAttempt: 1, mode: "run", at: "2025-01-01T00:00:00.000Z" });
  for (const id of done) state.markDone(id);
  state.apply({
    t: "end",
    seq,
    at: "2025-01-01T00:01:00.000Z",
    succeeded: done.length,
    failed: 0,
    stopReason: "budget",
    total: 3,
    remaining: 3 - done.length,
  });
  compactState(dir, state, 0, "2025-01-01T00:01:00.000Z");
  return readFolder(dir);
}

function setup(inputs: Record<string, string> = {}, o: Parameters<typeof fixture>[0] = {}): Fixture {
  const f = fixture({ ...o, inputs: { items: "items.jsonl", run: 'test "$ITEM_ID" != bad', ...inputs } });
  made.push(join(f.workspace, ".."));
  writeFileSync(join(f.workspace, "items.jsonl"), ["a", "b", "c"].map((id) => JSON.stringify({ id })).join("\n") + "\n");
  return f;
}

const doneIds = (f: Fixture) => [...loadState(f.stateDir).state.done].sort();

describe("runMain: inputs", () => {
  it("fails the step before any work on a bad input, naming it", async () => {
    const f = setup({ concurrency: "lots" });
    await runMain(f.host);
    expect(f.core.failed).toMatch(/input 'concurrency': 'lots' must be a whole number/);
    expect(f.cache.calls).toEqual([]);
    expect(f.artifacts.listed).toEqual([]);
    expect(mainPostState(f.core).context()).toBeUndefined();
  });

  it("turns a boolean typo into a message naming the input", async () => {
    const f = setup({ "fail-on-item-failure": "yes" });
    await runMain(f.host);
    expect(f.core.failed).toBe("input 'fail-on-item-failure': 'yes' must be true or false");
  });

  it("rejects a state-key that cannot be part of a cache key or an artifact name", async () => {
    const f = setup({ "state-key": "my batch/1" });
    await runMain(f.host);
    expect(f.core.failed).toMatch(/input 'state-key': 'my batch\/1' may use only letters/);
  });

  it("rejects the workspace itself as the state folder", async () => {
    const f = setup({ "state-dir": "." });
    await runMain(f.host);
    expect(f.core.failed).toMatch(/input 'state-dir'/);
  });

  it("fails the step on a missing items file, after restore, with the input's name", async () => {
    const f = setup({ items: "nope.jsonl" });
    await runMain(f.host);
    expect(f.core.failed).toMatch(/input 'items': .*nope\.jsonl does not exist/);
    expect(f.core.outputs["state-source"]).toBe("fresh");
  });
});

describe("runMain: restore", () => {
  it("starts fresh, loudly, when neither place has state; runs everything; sets every output", async () => {
    const f = setup();
    await runMain(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.outputs).toEqual({
      "state-source": "fresh",
      processed: "3",
      succeeded: "3",
      failed: "0",
      remaining: "0",
      complete: "true",
      pass: "1",
      "next-pass-after": "",
    });
    const fresh = f.core.logs.find((l) => l.title === "resumable-batch: fresh start");
    expect(fresh?.level).toBe("warning");
    expect(fresh?.message).toMatch(/nothing found under resumable-batch\/default\/all\/.*no unexpired artifact/);
    expect(doneIds(f)).toEqual(["a", "b", "c"]);
    // Asked the cache by prefix; with no seq to start from, read the repository's listing once.
    expect(f.cache.calls).toEqual(["restore resumable-batch/default/all/100-1 [resumable-batch/default/all/]"]);
    expect(f.artifacts.listed).toEqual(["*"]);
    const channel = mainPostState(f.core);
    expect(channel.context()).toMatchObject({
      cacheKey: "resumable-batch/default/all/100-1",
      artifactPrefix: "resumable-batch-default-state-",
      cachePath: ".resumable-batch/.cache-transfer",
    });
    expect(channel.restore()).toMatchObject({ source: "fresh", seq: 0 });
    expect(channel.result()).toMatchObject({ processed: 3, stopReason: "complete" });
  });

  it("resumes from the cache: finished items are not repeated", async () => {
    const f = setup();
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, savedState(4, ["a", "b"]));
    await runMain(f.host);
    expect(f.core.outputs).toMatchObject({ "state-source": "cache", processed: "1", succeeded: "1", complete: "true" });
    expect(loadState(f.stateDir).state.origin).toMatchObject({ seq: 5, runId: "100" });
    expect(existsSync(join(f.stateDir, ".cache-transfer"))).toBe(false);
  });

  it("takes the artifact when it is newer than the cache (the cache was down for a run)", async () => {
    const f = setup();
    f.cache.put("resumable-batch/default/all/98-1", f.cachePath, savedState(3, ["a"]));
    f.artifacts.put(
      "resumable-batch-default-state-4",
      { ...savedState(4, ["a", "b"]), "summary.md": "# hi", "report.html": "<p>" },
      { workflowRunId: 99 },
    );
    await runMain(f.host);
    expect(f.core.outputs).toMatchObject({ "state-source": "artifact", processed: "1" });
    expect(f.core.text("info")).toMatch(/also found: state #3 in the cache/);
    expect(f.artifacts.downloads).toEqual([1]);
    // The cache's seq 3 named the one artifact to ask for, then the next: two exact-name requests.
    expect(f.artifacts.listed).toEqual(["resumable-batch-default-state-4", "resumable-batch-default-state-5"]);
    // Only state files are taken from the artifact.
    expect(existsSync(join(f.stateDir, "summary.md"))).toBe(false);
  });

  it("keeps the cache when it is the newer of the two", async () => {
    const f = setup();
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, savedState(6, ["a", "b", "c"]));
    f.artifacts.put("resumable-batch-default-state-2", savedState(5, ["a"]), { workflowRunId: 98 });
    await runMain(f.host);
    expect(f.core.outputs).toMatchObject({ "state-source": "cache", processed: "0", complete: "true" });
  });

  it("without a cache entry, reads the repository's listing and takes the highest seq in the names", async () => {
    const f = setup();
    f.artifacts.put("resumable-batch-default-state-1", savedState(2, ["a"]), { workflowRunId: 97 });
    f.artifacts.put("resumable-batch-default-state-3", savedState(3, ["a", "b"]), { workflowRunId: 97 });
    await runMain(f.host);
    expect(f.core.outputs).toMatchObject({ "state-source": "artifact", processed: "1" });
    expect(f.artifacts.downloads).toEqual([2]);
  });

  it("rejects a corrupt cache entry with a warning and falls back to the artifact", async () => {
    const f = setup();
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, { "snapshot.json": "{not json" });
    f.artifacts.put("resumable-batch-default-state-1", savedState(2, ["a"]), { workflowRunId: 99 });
    await runMain(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.outputs["state-source"]).toBe("artifact");
    expect(f.core.text("warning")).toMatch(/rejected cache key resumable-batch\/default\/all\/99-1: .*not readable JSON/);
  });

  it.each([
    [
      "a journal start record without runId",
      { "journal-0.jsonl": '{"t":"start","seq":5,"runAttempt":1,"mode":"run","at":"t"}\n' },
      /journal-0\.jsonl:1: 'runId' must be a string/,
    ],
    [
      "a failure without its item",
      { "journal-0.jsonl": '{"t":"fail","id":"c","kind":"permanent","error":"e","attempts":1,"runs":1,"first":"a","last":"b"}\n' },
      /'item' is missing/,
    ],
    ["a seq of 999,999,999", savedState(999_999_999, ["a", "b", "c"]), /'seq' must be a whole number from 0 to 10000000/],
  ])("rejects a cache entry with %s (checked against the full schema) and uses the next candidate", async (_what, files, message) => {
    const f = setup();
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, files);
    f.artifacts.put("resumable-batch-default-state-1", savedState(2, ["a"]), { workflowRunId: 99 });
    await runMain(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.outputs).toMatchObject({ "state-source": "artifact", processed: "2" });
    expect(f.core.text("warning")).toMatch(/rejected cache key resumable-batch\/default\/all\/99-1: /);
    expect(f.core.text("warning")).toMatch(message);
  });

  it("rejects an artifact holding unexpected files, and one holding a symlink, then tries the next", async () => {
    const f = setup();
    f.artifacts.put("resumable-batch-default-state-1", savedState(2, ["a"]), { workflowRunId: 96 });
    f.artifacts.put("resumable-batch-default-state-1", { ...savedState(3, ["a", "b"]), "run.sh": "rm -rf /" }, { workflowRunId: 97 });
    const linked = f.artifacts.put("resumable-batch-default-state-1", {}, { workflowRunId: 98 });
    f.artifacts.onDownload = async (id, path) => {
      const a = f.artifacts.stored.find((s) => s.id === id)!;
      for (const [name, text] of Object.entries(a.files)) writeFileSync(join(path, name), text);
      if (id === linked.id) symlinkSync("/etc/hostname", join(path, "snapshot.json"));
      return {};
    };
    await runMain(f.host);
    expect(f.artifacts.downloads).toEqual([3, 2, 1]);
    expect(f.core.text("warning")).toMatch(/'snapshot.json' is a symbolic link/);
    expect(f.core.text("warning")).toMatch(/unexpected entry 'run.sh'/);
    expect(f.core.outputs).toMatchObject({ "state-source": "artifact", processed: "2" });
  });

  it("rejects a download whose content does not match its digest", async () => {
    const f = setup();
    f.artifacts.put("resumable-batch-default-state-1", savedState(2, ["a"]), { workflowRunId: 99, digest: "sha256:00" });
    f.artifacts.onDownload = async () => ({ digestMismatch: true });
    await runMain(f.host);
    expect(f.core.outputs["state-source"]).toBe("fresh");
    expect(f.core.text("warning")).toMatch(/does not match its digest/);
  });

  it("never trusts artifacts from forks, other branches, or expired ones", async () => {
    const f = setup();
    f.artifacts.put("resumable-batch-default-state-1", savedState(9, ["a", "b", "c"]), { workflowRunId: 50, fromFork: true });
    f.artifacts.put("resumable-batch-default-state-1", savedState(9, ["a", "b", "c"]), { workflowRunId: 51, headBranch: "feature" });
    f.artifacts.put("resumable-batch-default-state-1", savedState(9, ["a", "b", "c"]), { workflowRunId: 52, expired: true });
    await runMain(f.host);
    expect(f.artifacts.downloads).toEqual([]);
    expect(f.core.outputs).toMatchObject({ "state-source": "fresh", processed: "3" });
    expect(f.core.text("info")).toMatch(/ignored 2 state artifact\(s\) from other branches or forks/);
  });

  it("ignores a cache answer under another batch's key", async () => {
    const f = setup();
    f.cache.onRestore = async () => "resumable-batch/default/all-other/1-1";
    await runMain(f.host);
    expect(f.core.text("warning")).toMatch(/not one of this batch's/);
    expect(f.core.outputs["state-source"]).toBe("fresh");
  });

  it("bounds a hung cache and a hung artifact listing with its own timeouts, then goes on", async () => {
    const f = setup();
    f.host.timeouts = { ...f.host.timeouts, cacheRestoreMs: 30, artifactListMs: 30 };
    f.cache.onRestore = hang;
    f.artifacts.onList = hang;
    await runMain(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.text("warning")).toMatch(
      /cache restore did not finish within 30ms; the cache is not called again in this job; going on without the cache/,
    );
    expect(f.core.text("warning")).toMatch(/listing the repository's artifacts did not finish/);
    // Neither place answered: the saved state may be further along; nothing is run (issue 13 item 4).
    expect(f.core.outputs).toMatchObject({ "state-source": "unavailable", processed: "0", complete: "false" });
    expect(f.core.logs.find((l) => l.title === "resumable-batch: state unreachable, nothing run")?.level).toBe("warning");
    expect(mainPostState(f.core).restore()).toMatchObject({ source: "unavailable", sick: ["cache", "rest"] });
  });

  it("skips the artifact fallback without a token, and the cache when the runner has none", async () => {
    const f = setup({ "github-token": "" });
    f.core.inputs["github-token"] = "";
    f.cache.available = false;
    await runMain(f.host);
    expect(f.cache.calls).toEqual([]);
    expect(f.artifacts.listed).toEqual([]);
    expect(f.core.text("warning")).toMatch(/the cache service is not available here.*no github-token/);
  });

  it("keeps a state already in the folder when it is the newest (an earlier step of the job)", async () => {
    const f = setup();
    writeFolder(f.stateDir, savedState(7, ["a", "b", "c"]));
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, savedState(6, ["a"]));
    await runMain(f.host);
    expect(f.core.outputs).toMatchObject({ "state-source": "workspace", processed: "0" });
  });

  it("sets a state folder that cannot be read aside, with a warning, and restores over it", async () => {
    const f = setup();
    writeFolder(f.stateDir, { "snapshot.json": "garbage" });
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, savedState(6, ["a"]));
    await runMain(f.host);
    expect(f.core.text("warning")).toMatch(/already held a state that cannot be used .*moved it to/);
    expect(f.core.outputs).toMatchObject({ "state-source": "cache", processed: "2" });
  });

  it("uses shard-specific cache keys and artifact names", async () => {
    const f = setup({ shard: "2/3" });
    f.cache.put("resumable-batch/default/shard-2-of-3/99-1", f.cachePath, savedState(4, ["a"]));
    await runMain(f.host);
    expect(f.cache.calls[0]).toBe("restore resumable-batch/default/all/100-1 [resumable-batch/default/all/]".replace(/all/g, "shard-2-of-3"));
    expect(f.artifacts.listed).toEqual(["resumable-batch-default-shard-2-of-3-state-5"]);
  });

  it("takes shard 1/1 for no shard: the reusable workflow's one shard and the action alone share one state", async () => {
    const f = setup({ shard: "1/1" });
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, savedState(4, ["a"]));
    await runMain(f.host);
    expect(f.core.outputs).toMatchObject({ "state-source": "cache", processed: "2" });
    expect(f.artifacts.listed).toEqual(["resumable-batch-default-state-5"]);
    expect(mainPostState(f.core).context()).toMatchObject({
      cacheKey: "resumable-batch/default/all/100-1",
      artifactPrefix: "resumable-batch-default-state-",
    });
    expect(mainPostState(f.core).context()?.shard).toBeUndefined();
  });
});

describe("runMain: outcome", () => {
  it("keeps item failures green by default and records them", async () => {
    const f = setup();
    writeFileSync(join(f.workspace, "items.jsonl"), '{"id":"a"}\n{"id":"bad"}\n');
    await runMain(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.outputs).toMatchObject({ processed: "2", succeeded: "1", failed: "1", remaining: "0", complete: "true" });
    expect(JSON.parse(readFileSync(join(f.stateDir, "failures.json"), "utf8")).failures[0].id).toBe("bad");
  });

  it("fails the step on item failures with fail-on-item-failure: true", async () => {
    const f = setup({ "fail-on-item-failure": "true" });
    writeFileSync(join(f.workspace, "items.jsonl"), '{"id":"a"}\n{"id":"bad"}\n');
    await runMain(f.host);
    expect(f.core.failed).toMatch(/1 item\(s\) failed in this run \(fail-on-item-failure is true\)/);
  });

  it("treats the time budget as success: green, complete false", async () => {
    const f = setup({ "time-budget": "1ms" });
    await runMain(f.host);
    expect(f.core.failed).toBeUndefined();
    expect(f.core.outputs).toMatchObject({ processed: "0", complete: "false", remaining: "3" });
    expect(f.core.text("info")).toMatch(/stopped at the time budget with 3 item\(s\) left/);
  });

  it("fails the step when max-failure-rate stops the run", async () => {
    const f = setup({ "max-failure-rate": "0.5", "max-attempts": "1", run: "exit 1", concurrency: "4" });
    writeFileSync(join(f.workspace, "items.jsonl"), Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `i${i}` })).join("\n") + "\n");
    await runMain(f.host);
    expect(f.core.failed).toMatch(/stopped early: \d+ of \d+ item\(s\) failed, more than max-failure-rate allows/);
    expect(f.core.outputs.complete).toBe("false");
  });

  it("fails the step with the fix when the handler cannot run; no item failed", async () => {
    const f = setup({ run: "./scripts/process-item.sh" });
    mkdirSync(join(f.workspace, "scripts"));
    writeFileSync(join(f.workspace, "scripts", "process-item.sh"), "#!/bin/sh\nexit 0\n", { mode: 0o644 });
    await runMain(f.host);
    expect(f.core.failed).toMatch(
      /^input 'run' '\.\/scripts\/process-item\.sh' cannot run \(exit code 126.*run `chmod \+x \.\/scripts\/process-item\.sh`.*no item was marked failed/s,
    );
    expect(f.core.outputs).toMatchObject({ failed: "0", complete: "false", remaining: "3" });
    expect(loadState(f.stateDir).state.failures.size).toBe(0);
  });

  it("fails the step when max-consecutive-failures stops the run", async () => {
    const f = setup({ "max-consecutive-failures": "5", "max-attempts": "1", run: "exit 1" });
    writeFileSync(join(f.workspace, "items.jsonl"), Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `i${i}` })).join("\n") + "\n");
    await runMain(f.host);
    expect(f.core.failed).toMatch(/^5 items in a row failed and none succeeded in this run \(max-consecutive-failures 5\)/);
    expect(f.core.outputs).toMatchObject({ failed: "5", complete: "false" });
  });

  it("runs the retry-failures pass when asked", async () => {
    const f = setup();
    writeFileSync(join(f.workspace, "items.jsonl"), '{"id":"a"}\n{"id":"bad"}\n');
    await runMain(f.host);
    const g = setup({ "retry-failures": "true", run: "true", items: "" });
    g.cache.entries = f.cache.entries;
    // Post of the first run saved nothing here: carry its folder as a cache entry by hand.
    g.cache.put("resumable-batch/default/all/100-1", g.cachePath, readFolder(f.stateDir));
    await runMain(g.host);
    expect(g.core.failed).toBeUndefined();
    expect(g.core.outputs).toMatchObject({ "state-source": "cache", processed: "1", succeeded: "1", failed: "0", complete: "true" });
    expect(loadState(g.stateDir).state.failures.size).toBe(0);
  });

  it("stops on SIGINT during the run inside the grace, state consistent, outputs set, step not failed", async () => {
    const f = setup({ run: "touch started && sleep 30", "shutdown-grace": "200ms" });
    const running = runMain(f.host);
    await waitUntil(() => existsSync(join(f.workspace, "started")), "the item to start");
    f.signals.fire("SIGINT");
    await running;
    expect(f.core.failed).toBeUndefined();
    expect(f.core.outputs).toMatchObject({ processed: "0", complete: "false" });
    expect(f.core.text("warning")).toMatch(/stopped by a cancel/);
    expect(mainPostState(f.core).result()).toMatchObject({ stopReason: "signal" });
    expect(loadState(f.stateDir).state.runs.at(-1)).toMatchObject({ stopReason: "signal" });
    expect(f.signals.count).toBe(0);
  });

  it("stops at once on SIGINT while restoring, without running anything", async () => {
    const f = setup();
    let restoring = false;
    f.cache.onRestore = () => {
      restoring = true;
      return hang();
    };
    f.host.timeouts = { ...f.host.timeouts, cacheRestoreMs: 60_000 };
    const running = runMain(f.host);
    await waitUntil(() => restoring, "the cache restore to begin");
    f.signals.fire("SIGINT");
    await running;
    expect(f.core.outputs).toMatchObject({ "state-source": "fresh", processed: "0", complete: "false" });
    expect(f.core.text("warning")).toMatch(/SIGINT received while restoring state: nothing was run/);
    expect(existsSync(join(f.stateDir, "snapshot.json"))).toBe(false);
  });
});

describe("runMain: artifact listing errors", () => {
  it("hints at the token's permission when the API refuses", async () => {
    const f = setup();
    f.artifacts.onList = async () => {
      throw Object.assign(new Error("Resource not accessible by integration (403)"), { status: 403 });
    };
    await runMain(f.host);
    expect(f.core.text("warning")).toMatch(/going on without artifacts \(the github-token needs actions: read\)/);
    expect(f.core.outputs["state-source"]).toBe("fresh");
  });
});

describe("StopLatch", () => {
  it("passes a signal that came before the engine subscribed on at once", () => {
    const signals = new FakeSignals();
    const latch = new StopLatch(signals);
    signals.fire("SIGINT");
    const seen: string[] = [];
    latch.subscribe((s) => seen.push(s));
    signals.fire("SIGTERM");
    expect(seen).toEqual(["SIGINT", "SIGTERM"]);
    expect(latch.signal).toBe("SIGINT");
    latch.close();
    expect(signals.count).toBe(0);
  });
});
