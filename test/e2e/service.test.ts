// Proves the local stand-in for the Actions results service against the REAL, unmodified
// @actions/cache and @actions/artifact clients, each call in its own process with a runner's
// environment. Tests run concurrently (each uses its own run ids and keys, and faults are
// scoped to a run id), so the ~30 s of client retries in the 5xx test overlaps the rest.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "vitest";
import type { Azurite } from "./service/azurite.js";
import { makeRuntimeToken, startFakeGitHub, type FakeGitHub } from "./service/fake-github.js";
import { useStandIn } from "./service/stand-in.js";
import { runClientOp } from "./service/run-client.js";

let azurite: Azurite;
let gh: FakeGitHub;
useStandIn({ started: (s) => void ({ azurite, gh } = s) });

/** The runner environment of a step in `runId`, with `files` written into its workspace. */
function step(runId: number, files: Record<string, string> = {}, extra: { ref?: string; runAttempt?: number } = {}) {
  const env = gh.runnerEnv({ runId, ...extra });
  for (const [path, content] of Object.entries(files)) {
    const full = join(env.GITHUB_WORKSPACE!, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return env;
}

function read(env: Record<string, string>, path: string): string {
  return readFileSync(join(env.GITHUB_WORKSPACE!, path), "utf8");
}

/** Runs an operation and fails with the client's own log when it did not succeed. */
async function must<T>(op: string, args: unknown, env: Record<string, string>, timeoutMs = 30_000): Promise<T> {
  const result = await runClientOp<T>(op, args, { env, timeoutMs });
  if (!result.ok) {
    throw new Error(`${op} failed: ${JSON.stringify(result.error)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result.value as T;
}

const findBy = (workflowRunId: number) => ({
  token: "ghs_fake-token",
  workflowRunId,
  repositoryOwner: "owner",
  repositoryName: "repo",
});

describe.concurrent("stand-in for the results service, with the real clients", () => {
  describe("cache", () => {
    // First, so its ~25-35 s of client retries overlaps the other tests.
    test("a 5xx on restore: restoreCache gives undefined after the client's retries, within a bounded time", async ({ expect }) => {
      await must("cache.save", { paths: ["state"], key: "c6-601" }, step(601, { "state/a": "x" }));
      const fault = gh.injectFault({
        service: "cache",
        method: "GetCacheEntryDownloadURL",
        runId: 602,
        action: { kind: "status", status: 503 },
      });
      const result = await runClientOp<{ matchedKey: string | null }>(
        "cache.restore",
        { paths: ["state"], key: "c6-602", restoreKeys: ["c6-"] },
        { env: step(602), timeoutMs: 60_000 },
      );
      fault.remove();
      expect(result.ok).toBe(true);
      expect(result.value).toEqual({ matchedKey: null });
      // 5 attempts, 3 s x 1.5^n apart: 24-35 s.
      expect(fault.hits()).toBe(5);
      expect(result.durationMs).toBeLessThan(45_000);
    }, 90_000);

    test("restore by prefix takes the newest of two saves; an exact key beats a newer prefix match", async ({ expect }) => {
      expect(await must("cache.save", { paths: ["state"], key: "c1-101" }, step(101, { "state/v": "one" }))).toEqual({ cacheId: expect.any(Number) });
      await must("cache.save", { paths: ["state"], key: "c1-102" }, step(102, { "state/v": "two" }));

      const byPrefix = step(103);
      expect(await must("cache.restore", { paths: ["state"], key: "c1-103", restoreKeys: ["c1-"] }, byPrefix)).toEqual({ matchedKey: "c1-102" });
      expect(read(byPrefix, "state/v")).toBe("two");

      const exact = step(104);
      expect(await must("cache.restore", { paths: ["state"], key: "c1-101", restoreKeys: ["c1-"] }, exact)).toEqual({ matchedKey: "c1-101" });
      expect(read(exact, "state/v")).toBe("one");

      const entries = gh.cacheEntries().filter((e) => e.key.startsWith("c1-"));
      expect(entries.map((e) => [e.key, e.scope, e.finalized])).toEqual([
        ["c1-101", "refs/heads/main", true],
        ["c1-102", "refs/heads/main", true],
      ]);
      expect(entries[1]!.createdOrder).toBeGreaterThan(entries[0]!.createdOrder);
    });

    test("a second save of the same key returns -1, does not throw, and keeps the first entry", async ({ expect }) => {
      await must("cache.save", { paths: ["state"], key: "c2-same" }, step(201, { "state/v": "first" }));
      expect(await must("cache.save", { paths: ["state"], key: "c2-same" }, step(202, { "state/v": "second" }))).toEqual({ cacheId: -1 });

      const refused = gh.requests().filter((r) => r.runId === 202 && r.route === "cache.CreateCacheEntry");
      expect(refused.map((r) => [r.status, r.error])).toEqual([[409, "already_exists"]]);
      expect(gh.cacheEntries().filter((e) => e.key === "c2-same")).toHaveLength(1);

      const env = step(203);
      await must("cache.restore", { paths: ["state"], key: "c2-same" }, env);
      expect(read(env, "state/v")).toBe("first");
    });

    test("a restore with other path strings (so another version) is a miss", async ({ expect }) => {
      await must("cache.save", { paths: ["state"], key: "c3-301" }, step(301, { "state/v": "x" }));
      expect(await must("cache.restore", { paths: ["./state"], key: "c3-301", restoreKeys: ["c3-"] }, step(302))).toEqual({ matchedKey: null });
      expect(await must("cache.restore", { paths: ["state"], key: "c3-301" }, step(303))).toEqual({ matchedKey: "c3-301" });
    });

    test("an evicted entry is a miss", async ({ expect }) => {
      await must("cache.save", { paths: ["state"], key: "c4-401" }, step(401, { "state/v": "x" }));
      expect(await gh.evictCache("c4-401")).toBe(1);
      expect(await must("cache.restore", { paths: ["state"], key: "c4-401", restoreKeys: ["c4-"] }, step(402))).toEqual({ matchedKey: null });
      expect(gh.cacheEntries().some((e) => e.key === "c4-401")).toBe(false);
    });

    test("branch scope: a branch sees its own entries, then the default branch's; main never sees a branch's", async ({ expect }) => {
      await must("cache.save", { paths: ["state"], key: "c5-501" }, step(501, { "state/v": "main" }));
      await must("cache.save", { paths: ["state"], key: "c5-502" }, step(502, { "state/v": "feature" }, { ref: "refs/heads/feature" }));
      const restore = (runId: number, ref?: string) =>
        must("cache.restore", { paths: ["state"], key: `c5-${runId}`, restoreKeys: ["c5-"] }, step(runId, {}, { ref }));

      expect(await restore(503)).toEqual({ matchedKey: "c5-501" });
      expect(await restore(504, "refs/heads/feature")).toEqual({ matchedKey: "c5-502" });
      expect(await restore(505, "refs/heads/other")).toEqual({ matchedKey: "c5-501" });
      expect(gh.cacheEntries().find((e) => e.key === "c5-502")?.scope).toBe("refs/heads/feature");
    });

    test("a hanging service is never given up on by the client: our own timeout kills it", async ({ expect }) => {
      const fault = gh.injectFault({ service: "cache", runId: 701, action: { kind: "hang" } });
      const result = await runClientOp("cache.restore", { paths: ["state"], key: "c7-701" }, { env: step(701), timeoutMs: 3_000 });
      fault.remove();
      expect(result.timedOut).toBe(true);
      expect(result.signal).toBe("SIGKILL");
      const hung = gh.requests().filter((r) => r.runId === 701);
      expect(hung.map((r) => [r.route, r.fault, r.status])).toEqual([["cache.GetCacheEntryDownloadURL", "hang", undefined]]);
    });

    test("stop() ends requests that are still hung", async ({ expect }) => {
      // A stand-in of its own, so stopping it leaves the shared one alone.
      const own = await startFakeGitHub({ azurite });
      own.injectFault({ service: "cache", action: { kind: "hang" } });
      const pending = fetch(`${own.url}/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${makeRuntimeToken({ runBackendId: "r", jobBackendId: "j" })}` },
        body: JSON.stringify({ key: "k", version: "v" }),
      }).then(
        (res) => `answered ${res.status}`,
        () => "failed",
      );
      while (own.requests().length === 0) await new Promise((r) => setTimeout(r, 20));
      const startedAt = Date.now();
      await own.stop();
      expect(await pending).toBe("failed");
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    });
  });

  describe("artifacts", () => {
    test("uploaded in run A, then listed, found and downloaded from run B through findBy", async ({ expect }) => {
      const runA = step(801, { "out/state.json": '{"done":3}' });
      const uploaded = await must<{ id: number; size: number; digest: string }>(
        "artifact.upload",
        { name: "state-801-1", files: [join(runA.GITHUB_WORKSPACE!, "out/state.json")], rootDirectory: join(runA.GITHUB_WORKSPACE!, "out") },
        runA,
      );
      expect(uploaded.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(gh.artifacts().find((a) => a.id === uploaded.id)).toMatchObject({ runId: 801, digest: `sha256:${uploaded.digest}` });

      // The run's own view, through Twirp ListArtifacts.
      const own = await must<{ artifacts: Array<{ id: number; name: string }> }>("artifact.list", {}, step(801, {}, { runAttempt: 1 }));
      expect(own.artifacts.map((a) => [a.id, a.name])).toEqual([[uploaded.id, "state-801-1"]]);

      const runB = step(802);
      const listed = await must<{ artifacts: Array<{ id: number; name: string; size: number; digest: string }> }>(
        "artifact.list",
        { findBy: findBy(801) },
        runB,
      );
      expect(listed.artifacts).toEqual([
        expect.objectContaining({ id: uploaded.id, name: "state-801-1", size: uploaded.size, digest: `sha256:${uploaded.digest}` }),
      ]);
      const found = await must<{ artifact: { id: number } }>("artifact.get", { name: "state-801-1", findBy: findBy(801) }, runB);
      expect(found.artifact.id).toBe(uploaded.id);

      const downloaded = await must<{ digestMismatch: boolean }>(
        "artifact.download",
        { id: uploaded.id, path: join(runB.GITHUB_WORKSPACE!, "prev"), findBy: findBy(801), expectedHash: `sha256:${uploaded.digest}` },
        runB,
      );
      expect(downloaded.digestMismatch).toBe(false);
      expect(read(runB, "prev/state.json")).toBe('{"done":3}');
    });

    test("one name per run: a second upload of the same name fails with 409 (re-runs too); another name succeeds", async ({ expect }) => {
      const upload = (env: Record<string, string>, name: string) =>
        runClientOp<{ id: number }>(
          "artifact.upload",
          { name, files: [join(env.GITHUB_WORKSPACE!, "s.txt")], rootDirectory: env.GITHUB_WORKSPACE },
          { env, timeoutMs: 30_000 },
        );
      const first = await upload(step(901, { "s.txt": "a" }), "state");
      expect(first.ok).toBe(true);
      // A re-run keeps the run id, and with it the run's artifact names.
      const again = await upload(step(901, { "s.txt": "b" }, { runAttempt: 2 }), "state");
      expect(again.ok).toBe(false);
      expect(again.error?.message).toMatch(/409/);
      expect(again.durationMs).toBeLessThan(10_000);
      const other = await upload(step(901, { "s.txt": "c" }, { runAttempt: 2 }), "state-attempt-2");
      expect(other.ok).toBe(true);
      const elsewhere = await upload(step(902, { "s.txt": "d" }), "state");
      expect(elsewhere.ok).toBe(true);

      const ids = [first, other, elsewhere].map((r) => r.value!.id);
      expect(new Set(ids).size).toBe(3);
      expect(
        gh
          .artifacts()
          .filter((a) => a.runId === 901)
          .map((a) => a.name),
      ).toEqual(["state", "state-attempt-2"]);
    });

    test("an expired artifact shows expired: true and cannot be downloaded", async ({ expect }) => {
      const runA = step(1001, { "s.txt": "old" });
      const { id } = await must<{ id: number }>(
        "artifact.upload",
        { name: "state-1001-1", files: [join(runA.GITHUB_WORKSPACE!, "s.txt")], rootDirectory: runA.GITHUB_WORKSPACE },
        runA,
      );
      gh.expireArtifact(id);

      const rest = await fetch(`${gh.url}/repos/owner/repo/actions/artifacts?name=state-1001-1&per_page=5`);
      const body = (await rest.json()) as { artifacts: Array<{ id: number; expired: boolean; workflow_run: { id: number } }> };
      expect(body.artifacts.map((a) => [a.id, a.expired, a.workflow_run.id])).toEqual([[id, true, 1001]]);

      const runB = step(1002);
      const viaRest = await runClientOp(
        "artifact.download",
        { id, path: join(runB.GITHUB_WORKSPACE!, "prev"), findBy: findBy(1001) },
        { env: runB, timeoutMs: 30_000 },
      );
      expect(viaRest.ok).toBe(false);
      expect(viaRest.durationMs).toBeLessThan(10_000);
      expect(
        gh
          .requests()
          .filter((r) => r.route === "rest.downloadArtifact" && r.url.includes(`/${id}/`))
          .map((r) => r.status),
      ).toEqual([410]);

      // The run itself no longer sees it either (Twirp ListArtifacts hides expired artifacts).
      const own = await runClientOp("artifact.download", { id }, { env: step(1001), timeoutMs: 30_000 });
      expect(own.ok).toBe(false);
      expect(own.error?.name).toBe("ArtifactNotFoundError");
    });
    test("a re-run: the newer attempt's artifact gets a lower id; the internal download of the earlier attempt's answers 404, findBy reaches it", async ({
      expect,
    }) => {
      const upload = async (attempt: number, content: string) => {
        const env = step(1201, { "s.txt": content }, { runAttempt: attempt });
        return must<{ id: number }>(
          "artifact.upload",
          { name: `state-a${attempt}`, files: [join(env.GITHUB_WORKSPACE!, "s.txt")], rootDirectory: env.GITHUB_WORKSPACE },
          env,
        );
      };
      const first = await upload(1, "one");
      const second = await upload(2, "two");
      expect(second.id).toBeLessThan(first.id);

      // Attempt 2 lists both (Twirp), but cannot download attempt 1's through the results service.
      const env2 = step(1201, {}, { runAttempt: 2 });
      const own = await must<{ artifacts: Array<{ id: number }> }>("artifact.list", {}, env2);
      expect(own.artifacts.map((a) => a.id).sort()).toEqual([first.id, second.id].sort());
      const internal = await runClientOp(
        "artifact.download",
        { id: first.id, path: join(env2.GITHUB_WORKSPACE!, "a1") },
        { env: env2, timeoutMs: 30_000 },
      );
      expect(internal.ok).toBe(false);
      const refused = gh.requests().filter((r) => r.runId === 1201 && r.route === "artifact.GetSignedArtifactURL" && r.status === 404);
      expect(refused.length).toBeGreaterThan(0);
      // Its own attempt's artifact downloads as usual; the REST API with findBy reaches attempt 1's.
      expect(
        (await runClientOp("artifact.download", { id: second.id, path: join(env2.GITHUB_WORKSPACE!, "a2") }, { env: env2, timeoutMs: 30_000 })).ok,
      ).toBe(true);
      await must("artifact.download", { id: first.id, path: join(env2.GITHUB_WORKSPACE!, "a1"), findBy: findBy(1201) }, env2);
      expect(read(env2, "a1/s.txt")).toBe("one");
    });
  });

  describe("REST extras", () => {
    test("a rate-limit fault answers 403 (or 429) with x-ratelimit-remaining 0, only for the token it names; REST calls are counted per token", async ({
      expect,
    }) => {
      const fault = gh.injectFault({ service: "rest", token: "tok-1301", action: { kind: "rate-limit" } });
      const api = `${gh.url}/repos/owner/repo/actions/artifacts?name=nothing`;
      const limited = await fetch(api, { headers: { authorization: "token tok-1301" } });
      expect(limited.status).toBe(403);
      expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(((await limited.json()) as { message: string }).message).toMatch(/rate limit exceeded/i);
      expect((await fetch(api, { headers: { authorization: "Bearer tok-1302" } })).status).toBe(200);
      fault.remove();
      gh.injectFault({ service: "rest", token: "tok-1303", action: { kind: "rate-limit", status: 429 }, times: 1 });
      expect((await fetch(api, { headers: { authorization: "token tok-1303" } })).status).toBe(429);
      expect((await fetch(api, { headers: { authorization: "token tok-1303" } })).status).toBe(200);
      expect(gh.restCalls("tok-1301").map((r) => [r.route, r.status])).toEqual([["rest.listRepoArtifacts", 403]]);
      expect(gh.restCalls("tok-1303")).toHaveLength(2);
    });

    test("repo-wide listing is newest first; delete; workflow dispatch is recorded and its run readable", async ({ expect }) => {
      for (const runId of [1101, 1102]) {
        const env = step(runId, { "s.txt": String(runId) });
        await must(
          "artifact.upload",
          { name: "rest-state", files: [join(env.GITHUB_WORKSPACE!, "s.txt")], rootDirectory: env.GITHUB_WORKSPACE },
          env,
        );
      }
      const api = `${gh.url}/repos/owner/repo/actions`;
      const listed = (await (await fetch(`${api}/artifacts?name=rest-state&per_page=10`)).json()) as {
        total_count: number;
        artifacts: Array<{ id: number; expired: boolean; size_in_bytes: number; created_at: string; workflow_run: { id: number } }>;
      };
      expect(listed.total_count).toBe(2);
      expect(listed.artifacts.map((a) => a.workflow_run.id)).toEqual([1102, 1101]);
      expect(listed.artifacts[0]!.id).toBeGreaterThan(listed.artifacts[1]!.id);

      const newest = listed.artifacts[0]!.id;
      const zip = await fetch(`${api}/artifacts/${newest}/zip`, { redirect: "manual" });
      expect(zip.status).toBe(302);
      expect((await fetch(zip.headers.get("location")!)).status).toBe(200);
      expect((await fetch(`${api}/artifacts/${newest}`, { method: "DELETE" })).status).toBe(204);
      expect((await fetch(`${api}/artifacts/${newest}/zip`, { redirect: "manual" })).status).toBe(404);

      const dispatched = await fetch(`${api}/workflows/batch.yml/dispatches`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ref: "main", inputs: { continue: "true" } }),
      });
      expect(dispatched.status).toBe(204);
      const record = gh.dispatches().find((d) => d.workflowId === "batch.yml");
      expect(record).toMatchObject({ ref: "main", inputs: { continue: "true" } });
      const run = (await (await fetch(`${api}/runs/${record!.runId}`)).json()) as { status: string; event: string };
      expect(run).toMatchObject({ status: "queued", event: "workflow_dispatch" });
      expect((await fetch(`${api}/workflows/batch.yml/dispatches`, { method: "POST", body: "{}" })).status).toBe(422);
    });
  });
});
