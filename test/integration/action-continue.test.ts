// continue: dispatch — the post step starts the workflow again after a budget stop, and the
// guards that keep a chain of runs from looping. Main and post run in-process on fakes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CHAIN_ACTOR, chainOfRun, readChainFile, type ChainRecord } from "../../src/action/chain.js";
import { decideContinue, dispatchInputs, dispatchTarget, type ContinueFacts } from "../../src/action/continue-run.js";
import { runMain } from "../../src/action/main.js";
import { runPost } from "../../src/action/post.js";
import { BatchState } from "../../src/core/state/batch-state.js";
import { compactState } from "../../src/core/state/state-store.js";
import { fixture, hang, readFolder, type Files, type Fixture } from "../support/action-fakes.js";
import { waitUntil } from "../support/wait-until.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const IDS = Array.from({ length: 12 }, (_, i) => `item-${i}`);
/**
 * A budget that stops the run about 400 ms in: main keeps 5 s of it for flushing (RESERVE_MS),
 * and items take 100 ms each, so a few are done and most are left.
 */
const SHORT_BUDGET = { run: "sleep 0.1", "time-budget": "5400ms" };

function setup(inputs: Record<string, string> = {}, o: Parameters<typeof fixture>[0] = {}): Fixture {
  const f = fixture({ ...o, inputs: { items: "items.jsonl", run: "true", continue: "dispatch", ...inputs } });
  // The budget leaves ~400 ms for items; on a loaded machine the python3 spawn helper's
  // start-up alone can take that, and a run with no progress is (rightly) not continued.
  // These tests are about continuing, so commands start with Node's spawn, at once.
  f.host.env.RESUMABLE_BATCH_SPAWN_SERVER = "0";
  made.push(join(f.workspace, ".."));
  writeFileSync(join(f.workspace, "items.jsonl"), IDS.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  return f;
}

/** The run's event: `workflow_dispatch` by `actor` with `inputs` in the event payload file. */
function dispatchEvent(f: Fixture, actor: string, inputs: Record<string, unknown> = {}): void {
  const path = join(f.temp, "event.json");
  writeFileSync(path, JSON.stringify({ inputs, ref: "refs/heads/main", workflow: ".github/workflows/nightly.yml" }));
  Object.assign(f.host.env, { GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_ACTOR: actor, GITHUB_EVENT_PATH: path });
}

/** A saved state with `done` finished of IDS, and the chain record an earlier run left. */
function savedState(seq: number, done: string[], chain?: ChainRecord): Files {
  const dir = mkdtempSync(join(tmpdir(), "rb-state-"));
  made.push(dir);
  const state = new BatchState();
  state.apply({ t: "start", seq, runId: "99", runAttempt: 1, mode: "run", at: "2025-01-01T00:00:00.000Z" });
  for (const id of done) state.markDone(id);
  state.apply({
    t: "end",
    seq,
    at: "2025-01-01T00:01:00.000Z",
    succeeded: done.length,
    failed: 0,
    stopReason: "budget",
    total: IDS.length,
    remaining: IDS.length - done.length,
  });
  compactState(dir, state, 0, "2025-01-01T00:01:00.000Z");
  return { ...readFolder(dir), ...(chain ? { "chain.json": JSON.stringify(chain) } : {}) };
}

async function play(f: Fixture): Promise<void> {
  await runMain(f.host);
  await runPost(f.host);
}

const savedChain = (f: Fixture): ChainRecord => JSON.parse(f.cache.entries.at(-1)!.files["chain.json"]!) as ChainRecord;

describe("continue: dispatch", () => {
  it("starts the workflow again after a budget stop with progress, after the state is saved, with the event's inputs", async () => {
    const f = setup(SHORT_BUDGET);
    dispatchEvent(f, "octocat", { "retry-failures": false, note: "hello", count: 3 });
    let savedAtDispatch: { cache: number; artifacts: number } | undefined;
    f.workflows.onDispatch = async () => {
      savedAtDispatch = { cache: f.cache.entries.length, artifacts: f.artifacts.stored.length };
    };
    await play(f);
    expect(f.core.failed).toBeUndefined();
    expect(Number(f.core.outputs.processed)).toBeGreaterThan(0);
    expect(f.core.outputs.complete).toBe("false");
    expect(f.workflows.dispatches).toEqual([
      {
        owner: "owner",
        repo: "repo",
        workflowId: "nightly.yml",
        ref: "refs/heads/main",
        inputs: { "retry-failures": "false", note: "hello", count: "3" },
        token: "t0ken",
      },
    ]);
    // The cache entry and the artifact existed before the dispatch went out.
    expect(savedAtDispatch).toEqual({ cache: 1, artifacts: 1 });
    // A person started it: chain 0; the saved record says it continued.
    expect(savedChain(f)).toEqual({ chain: 0, runId: "100", runAttempt: 1, continued: true });
    expect(JSON.parse(f.artifacts.stored[0]!.files["chain.json"]!)).toMatchObject({ chain: 0, continued: true });
    expect(f.core.text("info")).toMatch(
      /continue: started nightly\.yml again on refs\/heads\/main \(run 1 of at most 10 in this chain\) with inputs retry-failures, note, count/,
    );
    expect(f.core.summary).toMatch(/### Continuing\n\nStarted `nightly\.yml` again on `refs\/heads\/main`: chained run 1 is queued/);
  });

  it("a scheduled run dispatches with no inputs", async () => {
    const f = setup(SHORT_BUDGET);
    await play(f);
    expect(f.workflows.dispatches).toMatchObject([{ workflowId: "nightly.yml", inputs: {} }]);
  });

  it("does not dispatch after a cancel", async () => {
    const f = setup({ run: "touch started && sleep 30", "shutdown-grace": "100ms" });
    const running = runMain(f.host);
    await waitUntil(() => existsSync(join(f.workspace, "started")), "the item to start");
    f.signals.fire("SIGINT");
    await running;
    await runPost(f.host);
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/continue: not starting the workflow again: the run was cancelled/);
    expect(f.core.summary).toMatch(/### Continuing\n\nNot started again: the run was cancelled/);
    expect(savedChain(f).continued).toBe(false);
  });

  it("does not dispatch when nothing was processed (a stuck batch must not loop)", async () => {
    const f = setup({ "time-budget": "1ms" });
    await play(f);
    expect(f.core.outputs).toMatchObject({ processed: "0", complete: "false" });
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/nothing was processed in this run/);
  });

  it("does not dispatch when every item is done", async () => {
    const f = setup();
    await play(f);
    expect(f.core.outputs.complete).toBe("true");
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/nothing is left to do/);
  });

  it("does not dispatch when only transient failures are left (no budget stop)", async () => {
    const f = setup({ run: "exit 75", "max-attempts": "1" });
    await play(f);
    expect(f.core.outputs.complete).toBe("false");
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/did not stop on its time budget \(complete\); the 12 item\(s\) left wait for the next run/);
  });

  it("counts a chain dispatch on from the restored record and stops at max-chain", async () => {
    // Run 3 of a chain (the bot started it) with max-chain 3: no further dispatch.
    const f = setup({ ...SHORT_BUDGET, "max-chain": "3" });
    dispatchEvent(f, CHAIN_ACTOR);
    f.cache.put(
      "resumable-batch/default/all/99-1",
      f.cachePath,
      savedState(2, ["item-0"], { chain: 2, runId: "99", runAttempt: 1, continued: true }),
    );
    await play(f);
    expect(Number(f.core.outputs.processed)).toBeGreaterThan(0);
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/this is run 3 of a chain of runs/);
    expect(f.core.text("info")).toMatch(/this is run 3 of a chain and max-chain is 3/);
    expect(savedChain(f)).toEqual({ chain: 3, runId: "100", runAttempt: 1, continued: false });

    // The same with max-chain 4: run 3 may start run 4.
    const g = setup({ ...SHORT_BUDGET, "max-chain": "4" }, { runId: 200 });
    dispatchEvent(g, CHAIN_ACTOR);
    g.cache.put(
      "resumable-batch/default/all/99-1",
      g.cachePath,
      savedState(2, ["item-0"], { chain: 2, runId: "99", runAttempt: 1, continued: true }),
    );
    await play(g);
    expect(g.workflows.dispatches).toHaveLength(1);
    expect(g.core.text("info")).toMatch(/run 4 of at most 4 in this chain/);
  });

  it("a run the chain did not start resets the count (schedule, or a person after a run that did not continue)", async () => {
    const f = setup({ ...SHORT_BUDGET, "max-chain": "2" });
    f.cache.put("resumable-batch/default/all/99-1", f.cachePath, savedState(2, [], { chain: 2, runId: "99", runAttempt: 1, continued: true }));
    await play(f); // a schedule event
    expect(f.core.text("info")).toMatch(/not started by a chain dispatch \(schedule by octocat\): the chain count starts again at 0/);
    expect(savedChain(f)).toMatchObject({ chain: 0, continued: true });
    expect(f.workflows.dispatches).toHaveLength(1);
  });

  it("a dispatch the API refuses, or one that hangs, is a warning; the step stays green", async () => {
    const f = setup(SHORT_BUDGET);
    f.workflows.onDispatch = async () => {
      throw new Error("Resource not accessible by integration - https://docs.github.com/rest (403)");
    };
    await play(f);
    expect(f.core.failed).toBeUndefined();
    const warning = f.core.logs.find((l) => l.title === "resumable-batch: not continued");
    expect(warning?.message).toMatch(
      /dispatching nightly\.yml failed: Resource not accessible by integration.*\(the github-token needs actions: write\)/,
    );
    expect(f.core.summary).toMatch(/Not started again: dispatching nightly\.yml failed/);

    const h = setup(SHORT_BUDGET, { runId: 202 });
    h.workflows.onDispatch = async () => {
      throw new Error("Workflow does not have 'workflow_dispatch' trigger");
    };
    await play(h);
    expect(h.core.text("warning")).toMatch(/does not have 'workflow_dispatch' trigger \(the workflow needs an on: workflow_dispatch trigger\)/);

    const g = setup(SHORT_BUDGET, { runId: 201 });
    g.host.timeouts = { ...g.host.timeouts, dispatchMs: 50 };
    g.workflows.onDispatch = hang;
    await play(g);
    expect(g.core.text("warning")).toMatch(/dispatching nightly\.yml did not finish within 50ms/);
  });

  it("does not dispatch when the state was saved nowhere (the next run would repeat this one)", async () => {
    const f = setup(SHORT_BUDGET);
    f.host.timeouts = { ...f.host.timeouts, artifactUploadMs: 30 };
    await runMain(f.host);
    f.cache.onSave = async () => -1;
    f.artifacts.onUpload = hang;
    await runPost(f.host);
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("warning")).toMatch(/not started again because this run's state was saved nowhere/);
  });

  it("a shard never dispatches from its own post step (the report job does)", async () => {
    const f = setup({ ...SHORT_BUDGET, shard: "1/2" });
    await play(f);
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/this is shard 1\/2: with shards, the report job \(mode: report\) starts the next run/);
    // The shard still keeps its chain count for the report job.
    expect(readChainFile(f.stateDir)).toMatchObject({ chain: 0 });
  });

  it("with continue: none, says nothing about continuing", async () => {
    const f = setup({ ...SHORT_BUDGET, continue: "none" });
    await play(f);
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.summary).not.toMatch(/Continuing/);
    expect(f.core.text()).not.toMatch(/continue:/);
  });
});

describe("decideContinue", () => {
  const base: ContinueFacts = { continueMode: "dispatch", maxChain: 10, chain: 0, stopReason: "budget", processed: 5, remaining: 7, complete: false };
  it.each<[Partial<ContinueFacts>, RegExp | true]>([
    [{}, true],
    [{ chain: 9 }, true],
    [{ continueMode: "none" }, /continue is none/],
    [{ stopReason: "signal" }, /cancelled/],
    [{ stopReason: "failure-rate" }, /max-failure-rate/],
    [{ stopReason: "complete", remaining: 0, complete: true }, /nothing is left/],
    [{ stopReason: "complete" }, /did not stop on its time budget/],
    [{ stopReason: undefined }, /did not finish/],
    [{ processed: 0 }, /nothing was processed/],
    [{ chain: 10 }, /run 10 of a chain and max-chain is 10/],
  ])("%j → %s", (facts, expected) => {
    const d = decideContinue({ ...base, ...facts });
    if (expected === true) expect(d).toEqual({ dispatch: true, nextChain: (facts.chain ?? 0) + 1 });
    else expect(d.dispatch === false && d.reason).toMatch(expected);
  });
});

describe("chain of runs", () => {
  const prev = (chain: number, continued: boolean, runId = "7"): ChainRecord => ({ chain, runId, runAttempt: 1, continued });
  const env = (event: string, actor: string, runId = "8") => ({ GITHUB_EVENT_NAME: event, GITHUB_ACTOR: actor, GITHUB_RUN_ID: runId });
  it.each<[string, NodeJS.ProcessEnv, ChainRecord | undefined, number]>([
    ["schedule", env("schedule", CHAIN_ACTOR), prev(4, true), 0],
    ["a person's dispatch after a run that did not continue", env("workflow_dispatch", "octocat"), prev(4, false), 0],
    ["the bot's dispatch", env("workflow_dispatch", CHAIN_ACTOR), prev(4, false), 5],
    ["a dispatch with a person's token after a run that continued", env("workflow_dispatch", "octocat"), prev(4, true), 5],
    ["the bot's dispatch with no record yet", env("workflow_dispatch", CHAIN_ACTOR), undefined, 1],
    ["a re-run attempt of the same run", env("workflow_dispatch", CHAIN_ACTOR, "7"), prev(4, true, "7"), 4],
  ])("%s", (_what, e, previous, expected) => {
    expect(chainOfRun(e, previous)).toBe(expected);
  });
});

describe("dispatchTarget", () => {
  it("takes the workflow file from GITHUB_WORKFLOW_REF and the ref from GITHUB_REF", () => {
    expect(
      dispatchTarget({
        GITHUB_REPOSITORY: "o/r",
        GITHUB_WORKFLOW_REF: "o/r/.github/workflows/batch.yaml@refs/tags/v1",
        GITHUB_REF: "refs/tags/v1",
        GITHUB_EVENT_NAME: "schedule",
      }),
    ).toEqual({ owner: "o", repo: "r", workflowId: "batch.yaml", ref: "refs/tags/v1", inputs: {} });
    expect(dispatchTarget({ GITHUB_REPOSITORY: "o/r", GITHUB_REF: "refs/heads/main" })).toEqual({
      problem: expect.stringMatching(/GITHUB_WORKFLOW_REF/),
    });
    expect(
      dispatchTarget({
        GITHUB_REPOSITORY: "o/r",
        GITHUB_WORKFLOW_REF: "o/r/.github/workflows/b.yml@refs/pull/5/merge",
        GITHUB_REF: "refs/pull/5/merge",
      }),
    ).toEqual({
      problem: "a run on refs/pull/5/merge cannot be started again: only branches and tags can be dispatched",
    });
  });

  it("passes a workflow_dispatch event's inputs on as strings; a broken event file gives none", () => {
    const dir = mkdtempSync(join(tmpdir(), "rb-event-"));
    made.push(dir);
    writeFileSync(join(dir, "e.json"), JSON.stringify({ inputs: { a: true, b: "x", c: null, d: 2 } }));
    expect(dispatchInputs(join(dir, "e.json"))).toEqual({ a: "true", b: "x", d: "2" });
    writeFileSync(join(dir, "bad.json"), "{");
    expect(dispatchInputs(join(dir, "bad.json"))).toEqual({});
    expect(dispatchInputs(undefined)).toEqual({});
    expect(readFileSync(join(dir, "e.json"), "utf8")).toContain("inputs");
  });
});
