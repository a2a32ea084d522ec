/**
 * `--module handler.mjs` through the built CLI: the context a module sees (attempt,
 * idempotency key stable across attempts and runs, AbortSignal fired on shutdown), and how
 * what it throws is classified (HTTP 5xx and network errors retried, 4xx permanent,
 * ctx.TransientError retried no sooner than its retryAfterMs).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { tempDirsPerTest, prepareCli, readJson, readLines, runCli, startCli, waitUntil, writeFile, type FailuresJson } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-module-");

/** Each item's `kind` says how the module behaves; every call is logged with its context. */
const HANDLER = `
import { appendFileSync } from "node:fs";
const log = (record) => appendFileSync("calls.jsonl", JSON.stringify({ ...record, at: Date.now() }) + "\\n");

export default async (item, ctx) => {
  log({ id: ctx.id, attempt: ctx.attempt, key: ctx.idempotencyKey, item, event: "start" });
  switch (item.kind) {
    case "s503":
      if (ctx.attempt < 2) throw Object.assign(new Error("service unavailable"), { status: 503 });
      break;
    case "s400":
      throw Object.assign(new Error("bad request: 'sku' is required"), { status: 400 });
    case "network":
      if (ctx.attempt < 2) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      break;
    case "transient":
      if (ctx.attempt < 3) throw new ctx.TransientError("rate limited, come back later", { retryAfterMs: 50 });
      break;
    case "wait-for-abort":
      log({ id: ctx.id, event: "waiting" });
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      log({ id: ctx.id, event: "aborted", aborted: ctx.signal.aborted });
      throw new Error("aborted");
    case "ignore-abort":
      log({ id: ctx.id, event: "waiting" });
      await new Promise(() => {});
  }
  appendFileSync("done.log", ctx.id + "\\n");
};
`;

interface Call {
  id: string;
  attempt?: number;
  key?: string;
  item?: unknown;
  event: string;
  at: number;
  aborted?: boolean;
}

function setup(items: Array<{ id: string; kind: string }>): string {
  const dir = newDir();
  writeFile(dir, "handler.mjs", HANDLER);
  writeFile(dir, "items.jsonl", items.map((i) => JSON.stringify(i)).join("\n") + "\n");
  return dir;
}
const calls = (dir: string, id?: string, event = "start"): Call[] =>
  readLines(join(dir, "calls.jsonl"))
    .map((l) => JSON.parse(l) as Call)
    .filter((c) => (id === undefined || c.id === id) && c.event === event);

describe("--module", () => {
  it("classifies errors: 503 and network errors retried, 400 permanent, ctx.TransientError retried after retryAfterMs", async () => {
    const items = [
      { id: "ok", kind: "ok" },
      { id: "s503", kind: "s503" },
      { id: "s400", kind: "s400" },
      { id: "network", kind: "network" },
      { id: "transient", kind: "transient" },
    ];
    const dir = setup(items);
    const r = await runCli(
      cli,
      ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--backoff", "10ms", "--concurrency", "2", "--state-dir", "state"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(readLines(join(dir, "done.log")).sort()).toEqual(["network", "ok", "s503", "transient"]);
    expect(calls(dir, "s503").map((c) => c.attempt)).toEqual([1, 2]);
    expect(calls(dir, "network").map((c) => c.attempt)).toEqual([1, 2]);
    expect(calls(dir, "s400").map((c) => c.attempt)).toEqual([1]);
    const transient = calls(dir, "transient");
    expect(transient.map((c) => c.attempt)).toEqual([1, 2, 3]);
    // retryAfterMs (50ms) is a floor under the (10ms) backoff. Timers run on the monotonic
    // clock and Date.now() rounds to whole milliseconds, so a 50ms wait can read as 49.
    expect(transient[1]!.at - transient[0]!.at).toBeGreaterThanOrEqual(48);
    expect(transient[2]!.at - transient[1]!.at).toBeGreaterThanOrEqual(48);
    // The module sees the item as parsed from the source.
    expect(calls(dir, "ok")[0]!.item).toEqual(items[0]);

    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ id: "s400", kind: "permanent", attempts: 1, error: "bad request: 'sku' is required", item: items[2] });
  });

  it("ctx.idempotencyKey is stable across attempts and runs, distinct per item, and equals IDEMPOTENCY_KEY of --run", async () => {
    const dir = setup([
      { id: "s503", kind: "s503" },
      { id: "s400", kind: "s400" },
      { id: "ok", kind: "ok" },
    ]);
    const r1 = await runCli(cli, ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--backoff", "10ms", "--state-dir", "state"], {
      cwd: dir,
    });
    expect(r1.code, r1.stderr).toBe(1);
    const r2 = await runCli(cli, ["run", "--retry-failures", "--module", "handler.mjs", "--state-dir", "state"], { cwd: dir });
    expect(r2.code, r2.stderr).toBe(1);
    const s400 = calls(dir, "s400");
    expect(s400.map((c) => c.attempt)).toEqual([1, 2]); // attempts count across runs
    expect(new Set(s400.map((c) => c.key)).size).toBe(1);
    const s503 = calls(dir, "s503");
    expect(s503).toHaveLength(2);
    expect(s503[0]!.key).toBe(s503[1]!.key);
    const keys = new Set(calls(dir).map((c) => c.key));
    expect(keys.size).toBe(3);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{32}$/);

    // The command handler gets the same key for the same id.
    await runCli(
      cli,
      ["run", "--items", "items.jsonl", "--run", `printf '%s %s\\n' "$ITEM_ID" "$IDEMPOTENCY_KEY" >> keys.log`, "--state-dir", "state-run"],
      { cwd: dir },
    );
    const fromRun = new Map(readLines(join(dir, "keys.log")).map((l) => l.split(" ") as [string, string]));
    expect(fromRun.get("s400")).toBe(s400[0]!.key);
    expect(fromRun.get("s503")).toBe(s503[0]!.key);
  });

  it("ctx.signal fires on SIGINT once the grace is over; cut-off items are not failures but left for the next run", async () => {
    const dir = setup([
      { id: "a", kind: "wait-for-abort" },
      { id: "b", kind: "wait-for-abort" },
    ]);
    const run = startCli(
      cli,
      ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--concurrency", "2", "--shutdown-grace", "300ms", "--state-dir", "state"],
      { cwd: dir },
    );
    await waitUntil(() => calls(dir, undefined, "waiting").length === 2, "both items waiting");
    const sigintAt = Date.now();
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - sigintAt).toBeLessThan(3000);
    const aborted = calls(dir, undefined, "aborted");
    expect(aborted.map((c) => [c.id, c.aborted]).sort()).toEqual([
      ["a", true],
      ["b", true],
    ]);
    // Fired after the grace, not at once: in-flight items get the grace to finish.
    for (const c of aborted) expect(c.at - sigintAt).toBeGreaterThanOrEqual(250);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
    const status = JSON.parse((await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir })).stdout);
    expect(status).toMatchObject({ done: 0, failed: 0, remaining: 2 });
  });

  it("a module that ignores its signal does not hold the shutdown", async () => {
    const dir = setup([{ id: "stuck", kind: "ignore-abort" }]);
    const run = startCli(cli, ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--shutdown-grace", "500ms", "--state-dir", "state"], {
      cwd: dir,
    });
    await waitUntil(() => calls(dir, undefined, "waiting").length === 1, "the item waiting");
    const sigtermAt = Date.now();
    run.child.kill("SIGTERM");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(143);
    // grace (500ms) + walking away from the handler (at most 2s)
    expect(Date.now() - sigtermAt).toBeLessThan(4000);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
  });

  it("a module that cannot be loaded, or has no default export, is exit 2 before any work", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n');
    writeFile(dir, "broken.mjs", "export default async (item => {\n");
    writeFile(dir, "no-default.mjs", "export const handle = async () => {};\n");
    const broken = await runCli(cli, ["run", "--items", "items.jsonl", "--module", "broken.mjs"], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/--module: broken\.mjs could not be loaded/);
    const noDefault = await runCli(cli, ["run", "--items", "items.jsonl", "--module", "no-default.mjs"], { cwd: dir });
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toMatch(/--module: no-default\.mjs has no default export function/);
  });
});
