/**
 * `--results`, `resumable-batch results` and `resumable-batch log` through the built CLI,
 * with each kind of handler as a real process or module.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { prepareCli, runCli, tempDirsPerTest, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-results-");

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("results from each kind of handler", () => {
  it("a command: its stdout, JSON when it parses, else trimmed text; the job log has its exit status", async () => {
    const dir = newDir();
    writeFile(
      dir,
      "items.jsonl",
      jsonl([
        { id: "a", n: 1 },
        { id: "b", n: 2 },
        { id: "bad", n: 3 },
      ]),
    );
    const command = 'echo "working on $ITEM_ID" >&2; case "$ITEM_ID" in a) echo "{\\"total\\": 10}";; b) echo "  text for b  ";; *) exit 7;; esac';
    const run = await runCli(cli, ["run", "--items", "items.jsonl", "--run", command, "--results"], { cwd: dir });
    expect(run.code).toBe(1);
    const results = await runCli(cli, ["results"], { cwd: dir });
    expect(results.code).toBe(0);
    expect(lines(results.stdout).map((r) => [r.id, r.result, r.attempts])).toEqual([
      ["a", { total: 10 }, 1],
      ["b", "text for b", 1],
    ]);
    const log = await runCli(cli, ["log"], { cwd: dir });
    expect(lines(log.stdout).map((o) => [o.id, o.ok, o.exitStatus, o.kind])).toEqual([
      ["a", true, 0, undefined],
      ["b", true, 0, undefined],
      ["bad", false, 7, "permanent"],
    ]);
  });

  it("a module: its return value; one over --max-result-size fails its item with the reason", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", jsonl([{ id: "a" }, { id: "huge" }, { id: "none" }]));
    writeFile(
      dir,
      "handler.mjs",
      `export default async (item) => item.id === "huge" ? { blob: "x".repeat(5000) } : item.id === "none" ? undefined : { synced: item.id };\n`,
    );
    const run = await runCli(cli, ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--results", "--max-result-size", "4k"], { cwd: dir });
    expect(run.code).toBe(1);
    const failures = JSON.parse(readFileSync(join(dir, ".resumable-batch/failures.json"), "utf8")).failures;
    expect(failures).toMatchObject([
      { id: "huge", kind: "permanent", error: expect.stringMatching(/^the result is 4\.9 KiB, over max-result-size 4 KiB/) },
    ]);
    const results = lines((await runCli(cli, ["results"], { cwd: dir })).stdout);
    expect(results.map((r) => [r.id, r.result])).toEqual([
      ["a", { synced: "a" }],
      ["none", undefined],
    ]);
    expect(results[1]).not.toHaveProperty("result");
  });

  it("a worker: the answer's result", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", jsonl([{ id: "a" }, { id: "b" }]));
    writeFile(
      dir,
      "worker.mjs",
      `
import { createInterface } from "node:readline";
for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  console.log(JSON.stringify({ id: req.id, ok: true, result: { upper: req.id.toUpperCase(), attempt: req.attempt } }));
}
`,
    );
    const run = await runCli(cli, ["run", "--items", "items.jsonl", "--worker", `"${process.execPath}" worker.mjs`, "--results"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const results = lines((await runCli(cli, ["results"], { cwd: dir })).stdout);
    expect(results.map((r) => [r.id, r.result])).toEqual([
      ["a", { upper: "A", attempt: 1 }],
      ["b", { upper: "B", attempt: 1 }],
    ]);
  });
});

describe("resumable-batch results and log", () => {
  it("writes CSV to --out, flattening object results into columns; without --results the successes are listed bare", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", jsonl([{ id: "a" }, { id: "b" }]));
    writeFile(dir, "handler.mjs", `export default async (item) => ({ name: item.id, formula: "=1+1" });\n`);
    await runCli(cli, ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--results", "--state-dir", "st"], { cwd: dir });
    const out = await runCli(cli, ["results", "--state-dir", "st", "--format", "csv", "--out", "synced.csv"], { cwd: dir });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/2 results written to .*synced\.csv/);
    const rows = parse(readFileSync(join(dir, "synced.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.id, r.name, r.formula])).toEqual([
      ["a", "a", "'=1+1"],
      ["b", "b", "'=1+1"],
    ]);

    await runCli(cli, ["run", "--items", "items.jsonl", "--module", "handler.mjs", "--state-dir", "bare"], { cwd: dir });
    const bare = parse((await runCli(cli, ["results", "--state-dir", "bare", "--format", "csv"], { cwd: dir })).stdout, { columns: true }) as Array<
      Record<string, string>
    >;
    expect(bare.map((r) => [r.id, r.result, r.attempts])).toEqual([
      ["a", "", "1"],
      ["b", "", "1"],
    ]);
  });

  it("log --format csv lists every outcome, failures included", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", "ok-1\nbad-2\n");
    await runCli(cli, ["run", "--items", "items.txt", "--run", 'test "${ITEM_ID#bad}" = "$ITEM_ID"', "--max-attempts", "1"], { cwd: dir });
    const log = parse((await runCli(cli, ["log", "--format", "csv"], { cwd: dir })).stdout, { columns: true }) as Array<Record<string, string>>;
    expect(log.map((r) => [r.id, r.ok, r.exitStatus, r.kind])).toEqual([
      ["ok-1", "true", "0", ""],
      ["bad-2", "false", "1", "permanent"],
    ]);
    expect(Number(log[0]!.durationMs)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(log[1]!.finishedAt)).toBeGreaterThanOrEqual(Date.parse(log[1]!.startedAt));
  });

  it("is bad usage (exit 2) for a state folder that does not exist", async () => {
    const dir = newDir();
    const r = await runCli(cli, ["results", "--state-dir", "nope"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope does not exist; give the state folder with --state-dir/);
  });

  it("--only-kind / --only-ids / --only-cause retry just that part; --redo-ids processes done items again", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", "a\nb\nc\n");
    const first = 'case "$ITEM_ID" in a) exit 75;; b) echo "HTTP 404" >&2; exit 1;; esac';
    await runCli(cli, ["run", "--items", "items.txt", "--run", first, "--max-attempts", "1"], { cwd: dir });
    const both = await runCli(cli, ["run", "--retry-failures", "--only-kind", "transient", "--only-ids", "x", "--run", "true"], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give one of --only-kind, --only-ids: a retry takes one filter/);
    const retry = await runCli(cli, ["run", "--retry-failures", "--only-kind", "transient", "--run", "echo fixed", "--results"], { cwd: dir });
    expect(retry.code, retry.stderr).toBe(1); // b is still held in failures.json
    expect(retry.stderr).toMatch(/re-attempting 1 failed item\(s\) \(retry-filter\); the other 1 stay in failures.json/);
    const failures = JSON.parse(readFileSync(join(dir, ".resumable-batch/failures.json"), "utf8")).failures;
    expect(failures.map((f: { id: string }) => f.id)).toEqual(["b"]);

    writeFile(dir, "redo.txt", "c\n");
    const redo = await runCli(cli, ["run", "--items", "items.txt", "--run", "echo again", "--results", "--redo-ids", "redo.txt"], { cwd: dir });
    expect(redo.stderr).toMatch(/redo-ids: processing 1 done item\(s\) again with a new idempotency key/);
    const results = lines((await runCli(cli, ["results"], { cwd: dir })).stdout);
    expect(results.map((r) => [r.id, r.result, r.redone])).toEqual([
      ["a", "fixed", undefined],
      ["c", "again", true],
    ]);
  });
});
