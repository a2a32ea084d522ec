/**
 * The command line's surface as DESIGN.md ("The contract users see") and the README promise
 * it, checked from outside through the built CLI: every contract flag is in `--help`, every
 * flag of every command is in the README's usage block, every bad value is exit 2 with a
 * message naming the flag the user typed (and nothing run, no state folder written), the
 * duration grammar (500ms, 90s, 5m, 1h30m), and the read-only commands on a folder without
 * state.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, prepareCli, readLines, runCli, tempDirsPerTest, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-contract-surface-");

/** The flags of `run` that DESIGN.md names (the first release's and the "growing" ones). */
const DESIGN_RUN_FLAGS = [
  "items",
  "items-command",
  "run",
  "module",
  "worker",
  "items-format",
  "id-field",
  "state-dir",
  "concurrency",
  "max-attempts",
  "backoff",
  "backoff-max",
  "item-timeout",
  "time-budget",
  "shutdown-grace",
  "transient-exit-codes",
  "retry-failures",
  "shard",
  "rate-limit",
  "max-runs-per-item",
  "max-failure-rate",
  "repeat",
  "new-pass",
  "reprocess-changed",
  "results",
];
const COMMANDS = ["run", "status", "failures", "results", "log", "report"];

/** The long flags a `--help` text lists (first column), without the `--`. */
function helpFlags(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
}

describe("--help and the README list the flags", () => {
  it("run --help lists every flag of the contract; status and failures theirs", async () => {
    const dir = newDir();
    const run = await runCli(cli, ["run", "--help"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(helpFlags(run.stdout)).toEqual(expect.arrayContaining(DESIGN_RUN_FLAGS));
    const status = await runCli(cli, ["status", "--help"], { cwd: dir });
    expect(helpFlags(status.stdout)).toEqual(expect.arrayContaining(["state-dir"]));
    const failures = await runCli(cli, ["failures", "--help"], { cwd: dir });
    expect(helpFlags(failures.stdout)).toEqual(expect.arrayContaining(["state-dir", "format"]));
    expect(failures.stdout).toMatch(/json, csv or markdown/);
  });

  it("the README's command-line usage block names every flag of every command", async () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const start = readme.indexOf("## Command line");
    const block = /```\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
    const documented = new Set([...block.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
    const dir = newDir();
    const missing: string[] = [];
    for (const command of COMMANDS) {
      const help = await runCli(cli, [command, "--help"], { cwd: dir });
      for (const flag of helpFlags(help.stdout)) if (flag !== "help" && !documented.has(flag)) missing.push(`${command} --${flag}`);
    }
    expect(missing).toEqual([]);
  });
});

describe("a bad value is exit 2 naming the flag typed; nothing runs and no state is written", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--backoff-max", "x"], /--backoff-max: 'x' is not a duration/],
    [["--backoff", "2m"], /--backoff-max \(1m\) must not be shorter than --backoff \(2m\)/],
    [["--shutdown-grace", "5"], /--shutdown-grace: '5' has no unit/],
    [["--time-budget", "1h30"], /--time-budget: '1h30' is not a duration/],
    [["--rate-limit", "fast"], /--rate-limit: 'fast' is not a rate/],
    [["--shard", "0/2"], /--shard: '0\/2' must be i\/n/],
    [["--shard", "3/2"], /--shard: '3\/2' must be i\/n/],
    [["--max-failure-rate", "2"], /--max-failure-rate: '2' must be a share/],
    [["--max-runs-per-item", "0"], /--max-runs-per-item: '0' must be a whole number/],
    [["--max-consecutive-failures", "-1"], /--max-consecutive-failures: '-1' must be a whole number/],
    [["--concurrency", "1e3"], /--concurrency: '1e3' must be a whole number/],
    [["--max-attempts", "1.5"], /--max-attempts: '1\.5' must be a whole number/],
    [["--transient-exit-codes", "300"], /--transient-exit-codes: '300'/],
    [["--repeat", "1"], /--repeat: '1' has no unit/],
    [["--max-result-size", "lots"], /--max-result-size: 'lots' is not a size/],
    [["--retry-failures", "--only-kind", "weird"], /--only-kind: 'weird' is not a failure kind/],
    [["--retry-failures", "--only-ids", "nope.txt"], /--only-ids: cannot read .*nope\.txt/],
    [["--retry-failures", "--only-kind", "transient", "--only-cause", "503"], /give one of --only-cause, --only-kind/],
    [["--only-cause", "503"], /--only-cause chooses which failures to re-attempt: it needs --retry-failures/],
    [["--retry-failures", "--new-pass"], /give --new-pass or --retry-failures, not both/],
    [["--redo-ids", "nope.txt"], /--redo-ids: cannot read/],
    [["--worker", "cat"], /give one handler, not --run and --worker/],
    [["--id-field="], /--id-field: the value is empty; give a value/],
    [["--state-dir="], /--state-dir: the value is empty; give a value/],
    [["--time-budget", " "], /--time-budget: the value is empty/],
  ];
  it.each(cases)("%j", async (args, message) => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n');
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "echo ran >> ran.log", "--state-dir", "state", ...args], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(readLines(join(dir, "ran.log"))).toEqual([]);
    expect(existsSync(join(dir, "state"))).toBe(false);
    expect(existsSync(join(dir, "snapshot.json")) || existsSync(join(dir, "failures.json"))).toBe(false);
  });
});

describe("durations read like 500ms, 90s, 5m, 1h30m", () => {
  it("accepts each spelling on every duration flag", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", "a\n");
    const r = await runCli(
      cli,
      [
        "run",
        "--items",
        "items.txt",
        "--run",
        "true",
        "--backoff",
        "500ms",
        "--backoff-max",
        "90s",
        "--item-timeout",
        "5m",
        "--time-budget",
        "1h30m",
        "--shutdown-grace",
        "500ms",
        "--repeat",
        "1h30m",
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("status and failures on a folder without state", () => {
  it("exit 2 naming the folder, and write nothing there", async () => {
    const dir = newDir();
    for (const args of [["status"], ["status", "--json"], ["failures"], ["failures", "--format", "csv"]]) {
      const r = await runCli(cli, [...args, "--state-dir", "typo"], { cwd: dir });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/no state in .*typo/);
    }
    expect(existsSync(join(dir, "typo"))).toBe(false);
  });

  it("failures --format with another format is exit 2 naming --format", async () => {
    const dir = newDir();
    const r = await runCli(cli, ["failures", "--format", "xml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format/);
  });
});
