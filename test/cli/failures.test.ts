/**
 * Isolation, retry and the retry-failures pass, through the built CLI with a shell handler:
 * a bad item is recorded with its reason while the batch goes on (exit 1, failures.json),
 * transient exit codes are retried with backoff, --item-timeout gives kind "timeout", and
 * --retry-failures re-attempts only the failed items, dropping the fixed and keeping the rest.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { tempDirsPerTest, cliEnv, countBy, prepareCli, readJson, readLines, runCli, writeFile, type FailuresJson } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-failures-");

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** JSON Lines items {id, n, payload}. */
function writeItems(dir: string, ids: string[]): Array<Record<string, unknown>> {
  const items = ids.map((id, n) => ({ id, n, payload: { sku: `SKU-${n}`, price: n * 1.5 } }));
  writeFile(dir, "items.jsonl", items.map((i) => JSON.stringify(i)).join("\n") + "\n");
  return items;
}

/**
 * The handler: logs every attempt ("id attempt"), then fails the way the item's id asks;
 * records success in done.log at the end. `broken-<id>` files (written by the test) make
 * an item fail permanently with the file's text on stderr.
 */
const HANDLER =
  [
    `printf '%s %s\\n' "$ITEM_ID" "$ITEM_ATTEMPT" >> attempts.log`,
    `printf '%s\\n' "$ITEM_JSON" >> item-json.log`,
    `if [ -f "broken-$ITEM_ID" ]; then echo "some earlier noise on stderr" >&2; cat "broken-$ITEM_ID" >&2; exit 1; fi`,
    `case "$ITEM_ID" in`,
    `  flaky) if [ "$ITEM_ATTEMPT" -lt 3 ]; then echo "upstream busy (attempt $ITEM_ATTEMPT)" >&2; exit 75; fi;;`,
    `  always-busy) echo "upstream busy" >&2; exit 75;;`,
    `  slow) sleep 10;;`,
    `esac`,
    `sleep 0.02`,
    `printf '%s\\n' "$ITEM_ID" >> done.log`,
  ].join("\n") + "\n";

describe("a bad item is isolated", () => {
  it("records the permanent failure with its stderr tail, finishes the rest once, exits 1", async () => {
    const dir = newDir();
    const ids = Array.from({ length: 12 }, (_, i) => `rec-${i + 1}`);
    const items = writeItems(dir, ids);
    writeFile(dir, "h.sh", HANDLER);
    writeFile(dir, "broken-rec-7", "rec-7: price must be a number, got 'abc'\n");
    const before = new Date().toISOString();
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--concurrency", "3", "--state-dir", "state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/✗ rec-7: exit code 1/);
    expect(r.stderr).toMatch(/1 failed item\(s\) in .*failures\.json/);

    const done = readLines(join(dir, "done.log"));
    expect(done.sort()).toEqual(ids.filter((id) => id !== "rec-7").sort());
    // Permanent: one attempt, not retried in the same run.
    expect(readLines(join(dir, "attempts.log")).filter((l) => l.startsWith("rec-7 "))).toEqual(["rec-7 1"]);

    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures).toHaveLength(1);
    const f = failures[0]!;
    expect(f).toMatchObject({ id: "rec-7", kind: "permanent", attempts: 1, item: items[6] });
    expect(f.error).toContain("exit code 1");
    expect(f.error).toContain("rec-7: price must be a number, got 'abc'");
    expect(f.firstFailedAt).toMatch(ISO);
    expect(f.lastFailedAt).toMatch(ISO);
    expect(f.firstFailedAt >= before).toBe(true);
    expect(f.lastFailedAt).toBe(f.firstFailedAt);

    // A normal run holds it for retry-failures: nothing re-attempted, still exit 1.
    const again = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--state-dir", "state"], { cwd: dir });
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toMatch(/11 done in earlier runs, 1 failed and held for retry-failures, 0 to do/);
    expect(readLines(join(dir, "attempts.log"))).toHaveLength(12);
  });

  it("retries a transient exit code (75) with backoff until it succeeds", async () => {
    const dir = newDir();
    writeItems(dir, ["a", "flaky", "b"]);
    writeFile(dir, "h.sh", HANDLER);
    const startedAt = Date.now();
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--backoff", "10ms", "--state-dir", "state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(readLines(join(dir, "attempts.log")).filter((l) => l.startsWith("flaky "))).toEqual(["flaky 1", "flaky 2", "flaky 3"]);
    expect(r.stderr).toMatch(/↻ flaky: attempt 1 failed \(transient\): exit code 75: upstream busy \(attempt 1\); retrying in \d+ms/);
    expect(readLines(join(dir, "done.log")).sort()).toEqual(["a", "b", "flaky"]);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
  });

  it("a transient failure that outlasts --max-attempts is recorded as transient and retried by the next run", async () => {
    const dir = newDir();
    writeItems(dir, ["a", "always-busy"]);
    writeFile(dir, "h.sh", HANDLER);
    const args = ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--backoff", "10ms", "--max-attempts", "2", "--state-dir", "state"];
    const r = await runCli(cli, args, { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const [f] = readJson<FailuresJson>(join(dir, "state", "failures.json")).failures;
    expect(f).toMatchObject({ id: "always-busy", kind: "transient", attempts: 2 });
    expect(f!.error).toMatch(/exit code 75: upstream busy/);
    // Transient failures are not held: the next normal run tries again, counting on.
    const r2 = await runCli(cli, args, { cwd: dir });
    expect(r2.code, r2.stderr).toBe(1);
    expect(r2.stderr).toMatch(/1 done in earlier runs, 0 failed and held for retry-failures, 1 to do/);
    expect(readLines(join(dir, "attempts.log")).filter((l) => l.startsWith("always-busy "))).toEqual([
      "always-busy 1",
      "always-busy 2",
      "always-busy 3",
      "always-busy 4",
    ]);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures[0]).toMatchObject({ id: "always-busy", attempts: 4 });
  });

  it("--item-timeout stops a slow attempt and records kind timeout", async () => {
    const dir = newDir();
    writeItems(dir, ["a", "slow", "b"]);
    writeFile(dir, "h.sh", HANDLER);
    const startedAt = Date.now();
    const r = await runCli(
      cli,
      [
        "run",
        "--items",
        "items.jsonl",
        "--run",
        "sh h.sh",
        "--item-timeout",
        "300ms",
        "--max-attempts",
        "2",
        "--backoff",
        "10ms",
        "--state-dir",
        "state",
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(8000);
    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures.map((f) => [f.id, f.kind, f.attempts])).toEqual([["slow", "timeout", 2]]);
    expect(failures[0]!.error).toMatch(/timed out after 300ms/);
    expect(readLines(join(dir, "done.log")).sort()).toEqual(["a", "b"]);
  });
});

describe("the summary's hints", () => {
  it("are commands that work as printed, for this state folder and handler", async () => {
    const dir = newDir();
    writeItems(dir, ["a", "b"]);
    writeFile(dir, "h.sh", HANDLER);
    writeFile(dir, "broken-b", "b: bad row\n");
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--state-dir", "my state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const hinted = [...r.stderr.matchAll(/`(resumable-batch [^`]+)`/g)].map((m) => m[1]!);
    expect(hinted).toHaveLength(2);
    const [list, retry] = hinted as [string, string];
    expect(list).toMatch(/^resumable-batch failures /);
    expect(retry).toMatch(/^resumable-batch run --retry-failures /);
    // Run them as a user would paste them into a shell.
    const asShell = (command: string) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn("/bin/sh", ["-c", command.replace(/^resumable-batch/, `'${process.execPath}' '${cli}'`)], { cwd: dir, env: cliEnv() });
        let stdout = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c));
        child.on("close", (code) => resolve({ code, stdout }));
      });
    const listed = await asShell(list);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).failures.map((f: { id: string }) => f.id)).toEqual(["b"]);
    rmSync(join(dir, "broken-b"));
    const retried = await asShell(retry);
    expect(retried.code).toBe(0);
    expect(readJson<FailuresJson>(join(dir, "my state", "failures.json")).failures).toEqual([]);
  });
});

describe("--retry-failures", () => {
  it("recovers the fixed item, keeps the other with its new reason, then empties failures.json", async () => {
    const dir = newDir();
    const items = writeItems(dir, ["a", "b", "c", "d"]);
    writeFile(dir, "h.sh", HANDLER);
    writeFile(dir, "broken-b", "b: the API answered 404 for SKU-1\n");
    writeFile(dir, "broken-c", "c: schema mismatch (v1)\n");
    const run = ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--state-dir", "state"];
    const r1 = await runCli(cli, run, { cwd: dir });
    expect(r1.code, r1.stderr).toBe(1);
    const first = readJson<FailuresJson>(join(dir, "state", "failures.json")).failures;
    expect(first.map((f) => [f.id, f.kind, f.attempts])).toEqual([
      ["b", "permanent", 1],
      ["c", "permanent", 1],
    ]);
    const firstC = first.find((f) => f.id === "c")!;

    // Fix b; c now fails differently. The pass needs no item source: failures.json has the items.
    rmSync(join(dir, "broken-b"));
    writeFile(dir, "broken-c", "c: schema mismatch (v2): field 'price' missing\n");
    await new Promise((r) => setTimeout(r, 20)); // so lastFailedAt moves on
    const retry = ["run", "--retry-failures", "--run", "sh h.sh", "--state-dir", "state"];
    const r2 = await runCli(cli, retry, { cwd: dir });
    expect(r2.code, r2.stderr).toBe(1);
    expect(r2.stderr).toMatch(/retry-failures: re-attempting 2 failed item\(s\)/);
    const second = readJson<FailuresJson>(join(dir, "state", "failures.json")).failures;
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ id: "c", kind: "permanent", attempts: 2, firstFailedAt: firstC.firstFailedAt, item: items[2] });
    expect(second[0]!.error).toContain("c: schema mismatch (v2): field 'price' missing");
    expect(second[0]!.error).not.toContain("(v1)");
    expect(second[0]!.lastFailedAt > firstC.lastFailedAt).toBe(true);
    // Only the failed items were re-attempted, with the item as it was in the source.
    const attempts = readLines(join(dir, "attempts.log"));
    expect(attempts.slice(4).sort()).toEqual(["b 2", "c 2"]);
    expect(
      readLines(join(dir, "item-json.log"))
        .slice(4)
        .map((l) => JSON.parse(l))
        .sort((x, y) => x.id.localeCompare(y.id)),
    ).toEqual([items[1], items[2]]);
    const status = JSON.parse((await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir })).stdout);
    expect({ done: status.done, failed: status.failed }).toEqual({ done: 3, failed: 1 });

    // Fix c as well.
    rmSync(join(dir, "broken-c"));
    const r3 = await runCli(cli, retry, { cwd: dir });
    expect(r3.code, r3.stderr).toBe(0);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
    expect([...countBy(readLines(join(dir, "done.log")))].sort()).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 1],
      ["d", 1],
    ]);

    // And a normal run has nothing left to do.
    const r4 = await runCli(cli, run, { cwd: dir });
    expect(r4.code, r4.stderr).toBe(0);
    expect(r4.stderr).toMatch(/4 done in earlier runs, 0 failed and held for retry-failures, 0 to do/);
  });
});
