/**
 * `resumable-batch run` as DESIGN.md's contract describes it, checked from outside through
 * the built CLI: the item format follows the extension unless --items-format says otherwise;
 * the command handler's environment and stdin; exit 75 is transient by default; the exit
 * statuses 0 / 1 / 3 / 4; failures.json's shape; retry-failures without an item source;
 * shards that partition the items and a report that merges them; passes that give every
 * item a new idempotency key; results kept by id, the last success winning.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { prepareCli, readJson, readLines, runCli, tempDirsPerTest, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-contract-run-");

/** A command handler that records what it was given (one JSON line per attempt), then exits as FAIL_<id> asks. */
const RECORDER = `
import { appendFileSync, readFileSync } from "node:fs";
const stdin = readFileSync(0, "utf8");
const e = process.env;
appendFileSync("seen.jsonl", JSON.stringify({ id: e.ITEM_ID, attempt: e.ITEM_ATTEMPT, key: e.IDEMPOTENCY_KEY, json: e.ITEM_JSON, stdin }) + "\\n");
const code = Number(e["EXIT_" + e.ITEM_ID] ?? 0);
if (code !== 0) { process.stderr.write("failing " + e.ITEM_ID + " with " + code + "\\n"); process.exit(code); }
`;
interface Seen {
  id: string;
  attempt: string;
  key: string;
  json: string;
  stdin: string;
}

function recorderDir(): string {
  const dir = newDir();
  writeFile(dir, "rec.mjs", RECORDER);
  return dir;
}
const seen = (dir: string): Seen[] => readLines(join(dir, "seen.jsonl")).map((l) => JSON.parse(l) as Seen);
const run = (dir: string, args: string[], env?: Record<string, string>) =>
  runCli(cli, ["run", "--run", `'${process.execPath}' rec.mjs`, "--backoff", "10ms", "--backoff-max", "20ms", ...args], { cwd: dir, env });

interface FailuresFile {
  failures: Array<Record<string, unknown>>;
}
const failuresOf = (dir: string, stateDir = ".resumable-batch") => readJson<FailuresFile>(join(dir, stateDir, "failures.json")).failures;

describe("items: the format follows the extension unless --items-format says otherwise", () => {
  it.each([
    ["items.jsonl", '{"id":"a","n":1}\n{"id":"b"}\n', [], ["a", "b"]],
    ["items.ndjson", '{"id":"a"}\n{"id":"b"}\n', [], ["a", "b"]],
    ["items.json", '[{"id":"a"},\n {"id":2}]', [], ["a", "2"]],
    ["items.csv", 'id,name\na,"x, y"\nb,z\n', [], ["a", "b"]],
    ["items.txt", "line one\nline two\n", [], ["line one", "line two"]],
    ["items.data", '{"id":"a"}\n', [], ['{"id":"a"}']],
    ["items.data", '{"id":"a"}\n', ["--items-format", "jsonl"], ["a"]],
    ["items.txt", "id\nq\n", ["--items-format", "csv"], ["q"]],
  ])("%s %j", async (name, text, extra, ids) => {
    const dir = recorderDir();
    writeFile(dir, name, text);
    const r = await run(dir, ["--items", name, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(dir).map((s) => s.id)).toEqual(ids);
  });
});

describe("the command handler", () => {
  it("gets ITEM_ID, ITEM_ATTEMPT, IDEMPOTENCY_KEY and ITEM_JSON (also on stdin); the key is the same on every attempt", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", '{"id":"a","price":1.5,"tags":["x"]}\n{"id":"b"}\n');
    const first = await run(dir, ["--items", "items.jsonl", "--max-attempts", "1"], { EXIT_b: "75" });
    expect(first.code, first.stderr).toBe(1);
    const second = await run(dir, ["--items", "items.jsonl"]);
    expect(second.code, second.stderr).toBe(0);
    const [a, b1, b2] = seen(dir);
    expect(JSON.parse(a!.json)).toEqual({ id: "a", price: 1.5, tags: ["x"] });
    expect(a!.stdin.trimEnd()).toBe(a!.json); // one JSON line
    expect(a!.attempt).toBe("1");
    expect(a!.key).toMatch(/^[0-9a-f]{32}$/);
    // ITEM_ATTEMPT counts across runs; the idempotency key does not change with it.
    expect([b1!.id, b1!.attempt, b2!.id, b2!.attempt]).toEqual(["b", "1", "b", "2"]);
    expect(b2!.key).toBe(b1!.key);
    expect(b1!.key).not.toBe(a!.key);
  });

  it("exit 75 is transient (retried up to --max-attempts), any other exit permanent (one attempt); failures.json has the contract's shape", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", '{"id":"ok"}\n{"id":"busy","why":"503"}\n{"id":"bad"}\n');
    const r = await run(dir, ["--items", "items.jsonl", "--max-attempts", "3"], { EXIT_busy: "75", EXIT_bad: "3" });
    expect(r.code, r.stderr).toBe(1);
    expect(
      seen(dir)
        .filter((s) => s.id === "busy")
        .map((s) => s.attempt),
    ).toEqual(["1", "2", "3"]);
    expect(seen(dir).filter((s) => s.id === "bad")).toHaveLength(1);
    const failures = failuresOf(dir);
    for (const f of failures) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(["id", "error", "kind", "attempts", "firstFailedAt", "lastFailedAt", "item"]));
      expect(Date.parse(f.firstFailedAt as string)).toBeLessThanOrEqual(Date.parse(f.lastFailedAt as string));
    }
    const byId = new Map(failures.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(["bad", "busy"]);
    expect(byId.get("busy")).toMatchObject({ kind: "transient", attempts: 3, item: { id: "busy", why: "503" } });
    expect(byId.get("bad")).toMatchObject({ kind: "permanent", attempts: 1, item: { id: "bad" } });
    expect(byId.get("bad")!.error).toMatch(/failing bad with 3/);
  });

  it("--transient-exit-codes names the retried codes; an attempt over --item-timeout is kind timeout", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.txt", "three\n");
    const r = await run(dir, ["--items", "items.txt", "--transient-exit-codes", "3,4", "--max-attempts", "2"], { EXIT_three: "3" });
    expect(r.code).toBe(1);
    expect(failuresOf(dir)[0]).toMatchObject({ id: "three", kind: "transient", attempts: 2 });

    const slow = newDir();
    writeFile(slow, "items.txt", "s\n");
    const t = await runCli(cli, ["run", "--items", "items.txt", "--run", "sleep 30", "--item-timeout", "300ms", "--max-attempts", "1"], {
      cwd: slow,
    });
    expect(t.code).toBe(1);
    expect(failuresOf(slow)[0]).toMatchObject({ id: "s", kind: "timeout", attempts: 1 });
  });
});

describe("defaults", () => {
  it("one item at a time, 3 attempts for a transient failure, state in .resumable-batch", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", "a\nb\nc\n");
    const handler = 'echo "start $ITEM_ID" >> order.log; sleep 0.2; echo "end $ITEM_ID" >> order.log; test "$ITEM_ID" != b || exit 75';
    const r = await runCli(cli, ["run", "--items", "items.txt", "--run", handler], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const order = readLines(join(dir, "order.log"));
    // Never two starts in a row: concurrency 1.
    for (let i = 0; i < order.length; i += 2) expect([order[i]!.split(" ")[0], order[i + 1]!.split(" ")[0]]).toEqual(["start", "end"]);
    expect(order.filter((l) => l === "start b")).toHaveLength(3);
    expect(failuresOf(dir, ".resumable-batch")[0]).toMatchObject({ id: "b", kind: "transient", attempts: 3 });
  });
});

describe("exit statuses of run", () => {
  it("0 when every item is done; 3 when the time budget stops it with items left, and the next run resumes", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", Array.from({ length: 30 }, (_, i) => `i${i}`).join("\n") + "\n");
    const handler = 'echo "$ITEM_ID" >> done.log; sleep 0.3';
    const first = await runCli(cli, ["run", "--items", "items.txt", "--run", handler, "--time-budget", "2500ms"], { cwd: dir });
    expect(first.code, first.stderr).toBe(3);
    expect(readLines(join(dir, "done.log")).length).toBeLessThan(30);
    const second = await runCli(cli, ["run", "--items", "items.txt", "--run", handler, "--concurrency", "8"], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(new Set(readLines(join(dir, "done.log"))).size).toBe(30);
  });

  it("4 when --max-failure-rate stops the run early; the rest stays for the next run", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", Array.from({ length: 60 }, (_, i) => String(i)).join("\n") + "\n");
    const r = await runCli(cli, ["run", "--items", "items.txt", "--run", "test $((ITEM_ID % 2)) = 0", "--max-failure-rate", "0.2"], { cwd: dir });
    expect(r.code, r.stderr).toBe(4);
    const status = JSON.parse((await runCli(cli, ["status", "--json"], { cwd: dir })).stdout) as { remaining: number };
    expect(status.remaining).toBeGreaterThan(0);
  });
});

describe("retry-failures, quarantine", () => {
  it("--retry-failures needs no item source, drops the fixed items and keeps the rest with their new reason", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n{"id":"b"}\n{"id":"c"}\n');
    expect((await run(dir, ["--items", "items.jsonl"], { EXIT_b: "1", EXIT_c: "2" })).code).toBe(1);
    const retry = await run(dir, ["--retry-failures"], { EXIT_c: "9" });
    expect(retry.code, retry.stderr).toBe(1);
    expect(
      seen(dir)
        .slice(3)
        .map((s) => s.id)
        .sort(),
    ).toEqual(["b", "c"]);
    const failures = failuresOf(dir);
    expect(failures.map((f) => f.id)).toEqual(["c"]);
    expect(failures[0]!.error).toMatch(/with 9/);
    expect(failures[0]!.attempts).toBe(2);
  });

  it("an item failing transiently in --max-runs-per-item runs is quarantined, not retried by the next normal run", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.txt", "a\nb\n");
    for (let i = 0; i < 3; i++) await run(dir, ["--items", "items.txt", "--max-attempts", "1", "--max-runs-per-item", "2"], { EXIT_b: "75" });
    expect(seen(dir).filter((s) => s.id === "b")).toHaveLength(2);
    expect(failuresOf(dir)[0]).toMatchObject({ id: "b", kind: "quarantined" });
  });
});

describe("shards and report", () => {
  it("--shard i/n partitions the items; report --from merges the shards' failures; 1/1 is the same batch as no shard", async () => {
    const dir = newDir();
    const ids = Array.from({ length: 40 }, (_, i) => `item-${i}`);
    writeFile(dir, "items.txt", ids.join("\n") + "\n");
    const handler = 'echo "$ITEM_ID" >> done.log; test "$ITEM_ID" != item-7';
    for (const i of [1, 2, 3])
      await runCli(cli, ["run", "--items", "items.txt", "--run", handler, "--shard", `${i}/3`, "--state-dir", `s${i}`], { cwd: dir });
    expect(readLines(join(dir, "done.log")).sort()).toEqual([...ids].sort());
    const merged = await runCli(cli, ["report", "--from", "s1", "s2", "s3", "--out", "merged"], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    expect(failuresOf(dir, "merged").map((f) => f.id)).toEqual(["item-7"]);
    const missing = await runCli(cli, ["report", "--from", "s1", "nope", "--out", "merged2"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no state in .*nope: .*\(check --from;/);

    const one = newDir();
    writeFile(one, "items.txt", "a\nb\n");
    expect((await runCli(cli, ["run", "--items", "items.txt", "--run", "echo $ITEM_ID >> done.log", "--shard", "1/1"], { cwd: one })).code).toBe(0);
    expect((await runCli(cli, ["run", "--items", "items.txt", "--run", "echo $ITEM_ID >> done.log"], { cwd: one })).code).toBe(0);
    expect(readLines(join(one, "done.log"))).toEqual(["a", "b"]);
  });

  it("report --from writes every shard's results into one results.jsonl beside the merged report", async () => {
    const dir = newDir();
    const ids = Array.from({ length: 12 }, (_, i) => `r-${i}`);
    writeFile(dir, "items.txt", ids.join("\n") + "\n");
    const handler = 'printf \'{"n":"%s"}\' "$ITEM_ID"';
    for (const i of [1, 2])
      expect(
        (await runCli(cli, ["run", "--items", "items.txt", "--run", handler, "--results", "--shard", `${i}/2`, "--state-dir", `s${i}`], { cwd: dir }))
          .code,
      ).toBe(0);
    const merged = await runCli(cli, ["report", "--from", "s1", "s2", "--out", "merged"], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/results\.jsonl/);
    const records = readLines(join(dir, "merged", "results.jsonl")).map((l) => JSON.parse(l) as { id: string; result: { n: string }; shard: string });
    expect(records.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of records) expect(r.result.n).toBe(r.id);
    expect(new Set(records.map((r) => r.shard))).toEqual(new Set(["1/2", "2/2"]));
    expect(readLines(join(dir, "merged", "summary.md")).join("\n")).toMatch(/12.*result/);
  });
});

describe("passes and results", () => {
  it("--new-pass processes every item again under a new idempotency key; a run within the pass repeats nothing", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.txt", "a\nb\n");
    expect((await run(dir, ["--items", "items.txt"])).code).toBe(0);
    expect((await run(dir, ["--items", "items.txt"])).code).toBe(0);
    expect(seen(dir)).toHaveLength(2);
    expect((await run(dir, ["--items", "items.txt", "--new-pass"])).code).toBe(0);
    const all = seen(dir);
    expect(all.map((s) => s.id)).toEqual(["a", "b", "a", "b"]);
    expect(all[2]!.key).not.toBe(all[0]!.key);
    expect(all[3]!.key).not.toBe(all[1]!.key);
  });

  it("--results keeps a module's return value by id; the last success wins", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n{"id":"b"}\n');
    writeFile(
      dir,
      "h.mjs",
      "export default async (item, ctx) => {\n" +
        "  if (!(ctx.signal instanceof AbortSignal) || ctx.id !== item.id) throw new Error('bad ctx');\n" +
        "  if (process.env.BREAK === item.id) throw new Error('broken ' + item.id);\n" +
        "  return { id: ctx.id, attempt: ctx.attempt, key: ctx.idempotencyKey, tag: process.env.TAG };\n};\n",
    );
    expect(
      (await runCli(cli, ["run", "--items", "items.jsonl", "--module", "h.mjs", "--results"], { cwd: dir, env: { TAG: "one", BREAK: "b" } })).code,
    ).toBe(1);
    expect((await runCli(cli, ["run", "--retry-failures", "--module", "h.mjs", "--results"], { cwd: dir, env: { TAG: "two" } })).code).toBe(0);
    const r = await runCli(cli, ["results"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; result: { tag: string; attempt: number; key: string } });
    expect(rows.map((row) => [row.id, row.result.tag]).sort()).toEqual([
      ["a", "one"],
      ["b", "two"],
    ]);
    expect(rows.find((row) => row.id === "b")!.result.attempt).toBe(2);
    expect(rows[0]!.result.key).toMatch(/^[0-9a-f]{32}$/);
  });
});
