// Restore and save against services that fail, hang or ration requests (issue 13 items 3-5):
// the REST budget of a restore, rate limits, an outage that must not bury progress, and a
// service that timed out once being left alone for the rest of the job.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RateLimitError } from "../../src/action/host.js";
import { mainPostState } from "../../src/action/main-post-state.js";
import { runMain } from "../../src/action/main.js";
import { runPost } from "../../src/action/post.js";
import { loadState } from "../../src/core/state/state-store.js";
import { fixture, hang, type Fixture } from "../support/action-fakes.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const IDS = ["a", "b", "c", "d"];

function setup(o: Parameters<typeof fixture>[0] = {}): Fixture {
  const f = fixture({ ...o, inputs: { items: "items.jsonl", run: "true", ...o.inputs } });
  made.push(join(f.workspace, ".."));
  writeFileSync(join(f.workspace, "items.jsonl"), IDS.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  return f;
}

/** The next run: a fresh runner sharing the cache and the artifacts of `prev`. */
function nextRun(prev: Fixture, runId: number, items = IDS): Fixture {
  const f = setup({ runId });
  writeFileSync(join(f.workspace, "items.jsonl"), items.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  f.cache.entries = prev.cache.entries;
  f.artifacts.stored = prev.artifacts.stored;
  return f;
}

async function play(f: Fixture): Promise<Fixture> {
  await runMain(f.host);
  await runPost(f.host);
  return f;
}

const rateLimited = async (): Promise<never> => {
  throw new RateLimitError("the GitHub REST API's rate limit is spent (HTTP 403: API rate limit exceeded)");
};

describe("restore: REST budget", () => {
  it("a cache hit costs one REST request (the exact name of the next seq), however many artifacts the repository holds", async () => {
    const first = await play(setup({ runId: 1 }));
    for (let i = 0; i < 250; i++) first.artifacts.put(`other-workflow-artifact-${i}`, {}, { workflowRunId: 5000 + i });
    const second = await play(nextRun(first, 2, [...IDS, "e"]));
    expect(second.core.outputs).toMatchObject({ "state-source": "cache", processed: "1" });
    expect(second.artifacts.listed).toEqual(["resumable-batch-default-state-2"]);
    expect(second.artifacts.downloads).toEqual([]);
  });

  it("without any cache entry, pages through the whole repository listing (100 a page) to find the newest state", async () => {
    const first = await play(setup({ runId: 1 }));
    for (let i = 0; i < 250; i++) first.artifacts.put(`other-workflow-artifact-${i}`, {}, { workflowRunId: 5000 + i });
    first.cache.entries = [];
    const second = await play(nextRun(first, 2, [...IDS, "e"]));
    expect(second.artifacts.listed).toEqual(["*", "*", "*"]);
    expect(second.core.outputs).toMatchObject({ "state-source": "artifact", processed: "1" });
  });

  it("a spent rate limit on the artifact side is a warning, and the cache's state is used", async () => {
    const first = await play(setup({ runId: 1 }));
    const second = nextRun(first, 2, [...IDS, "e"]);
    second.artifacts.onList = rateLimited;
    await play(second);
    expect(second.core.failed).toBeUndefined();
    expect(second.core.text("warning")).toMatch(
      /rate limit is spent.*going on without artifacts \(the GITHUB_TOKEN gets 1,000 REST requests an hour/,
    );
    expect(second.core.outputs).toMatchObject({ "state-source": "cache", processed: "1" });
  });

  it("a token without actions: read is a setting, not an outage: a first run still starts", async () => {
    const f = setup({ runId: 1 });
    f.artifacts.onList = async () => {
      throw Object.assign(new Error("Resource not accessible by integration"), { status: 403 });
    };
    await play(f);
    expect(f.core.text("warning")).toMatch(/needs actions: read/);
    expect(f.core.outputs).toMatchObject({ "state-source": "fresh", processed: "4" });
  });
});

describe("restore: an outage never buries progress", () => {
  it("three runs: saved state #1, then both places fail (nothing run, nothing saved), then the third resumes #1", async () => {
    const run1 = await play(setup({ runId: 1 }));
    expect(loadState(run1.stateDir).state.origin.seq).toBe(1);

    // Run 2: the cache service fails and the REST API is rate-limited.
    const run2 = nextRun(run1, 2, [...IDS, "e", "f"]);
    run2.cache.onRestore = async () => {
      throw new Error("the cache service failed: 503 Service Unavailable");
    };
    run2.artifacts.onList = rateLimited;
    await play(run2);
    expect(run2.core.failed).toBeUndefined();
    expect(run2.core.outputs).toMatchObject({ "state-source": "unavailable", processed: "0", complete: "false" });
    expect(run2.core.logs.find((l) => l.title === "resumable-batch: state unreachable, nothing run")?.message).toMatch(
      /cache: cache restore failed: the cache service failed.*artifacts: .*rate limit/,
    );
    expect(run2.core.summary).toMatch(/\[!CAUTION\]\n> \*\*Nothing was run: the saved state could not be reached\.\*\*/);
    expect(run2.artifacts.uploads).toEqual([]);
    expect(run2.cache.calls.filter((c) => c.startsWith("save"))).toEqual([]);

    // Run 3: the services are back; it goes on from #1, not from scratch.
    const run3 = await play(nextRun(run2, 3, [...IDS, "e", "f"]));
    expect(run3.core.outputs).toMatchObject({ "state-source": "cache", processed: "2" });
    expect(loadState(run3.stateDir).state.origin.seq).toBe(2);
  });

  it("the cache failing while no artifact is found is not a fresh start either (the cache may hold the only copy)", async () => {
    const f = setup({ runId: 1 });
    f.cache.onRestore = async () => {
      throw new Error("the cache service failed: ECONNRESET");
    };
    await play(f);
    expect(f.core.outputs["state-source"]).toBe("unavailable");
  });
});

describe("a service that timed out is sick for the rest of the job", () => {
  it("a cache that hangs in main is not called by post: the artifact is uploaded, the cache skipped", async () => {
    const first = await play(setup({ runId: 1 }));
    const f = nextRun(first, 2, [...IDS, "e"]);
    f.host.timeouts = { ...f.host.timeouts, cacheRestoreMs: 30 };
    f.cache.onRestore = hang;
    f.cache.onSave = hang;
    await play(f);
    expect(mainPostState(f.core).restore()?.sick).toEqual(["cache"]);
    // The artifact (#1, found by the repository listing) carried the run.
    expect(f.core.outputs).toMatchObject({ "state-source": "artifact", processed: "1" });
    expect(f.cache.calls.filter((c) => c.startsWith("save"))).toEqual([]);
    expect(f.artifacts.uploads.map((u) => u.name)).toEqual(["resumable-batch-default-state-2"]);
    expect(f.core.summary).toMatch(/- Cache: \*\*not saved\*\* — skipped: the cache did not answer in time in the main step/);
  });

  it("a REST listing that timed out in main: post does not start the workflow again through the REST API", async () => {
    const first = await play(setup({ runId: 1 }));
    const f = nextRun(first, 2, [...IDS, "e"]);
    f.core.inputs.continue = "dispatch";
    f.host.timeouts = { ...f.host.timeouts, artifactListMs: 30 };
    f.artifacts.onList = hang;
    await play(f);
    expect(mainPostState(f.core).restore()?.sick).toEqual(["rest"]);
    expect(f.core.outputs).toMatchObject({ "state-source": "cache", processed: "1" });
    expect(f.workflows.dispatches).toEqual([]);
    expect(f.core.text("info")).toMatch(/continue: not starting the workflow again: the GitHub REST API did not answer in time in the main step/);
  });

  it("a download that timed out is not followed by another: the newer state exists, so nothing is run", async () => {
    const first = await play(setup({ runId: 1 }));
    const second = await play(nextRun(first, 2));
    const f = nextRun(second, 3, [...IDS, "e"]);
    f.cache.entries = [];
    f.host.timeouts = { ...f.host.timeouts, artifactDownloadMs: 30 };
    f.artifacts.onDownload = hang;
    await play(f);
    expect(f.artifacts.downloads).toHaveLength(1);
    expect(mainPostState(f.core).restore()).toMatchObject({ source: "unavailable", sick: ["rest"] });
  });

  it("post uploads the artifact before it saves to the cache", async () => {
    const f = setup({ runId: 1 });
    const order: string[] = [];
    const upload = f.artifacts.upload.bind(f.artifacts);
    f.artifacts.upload = async (...args) => {
      order.push("artifact");
      return upload(...args);
    };
    f.cache.onSave = async () => {
      order.push("cache");
      return 1;
    };
    await play(f);
    expect(order).toEqual(["artifact", "cache"]);
    expect(readFileSync(join(f.stateDir, "snapshot.json"), "utf8")).toMatch(/"seq":1/);
  });
});
