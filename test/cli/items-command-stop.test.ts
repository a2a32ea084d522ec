/**
 * A SIGINT or SIGTERM while --items-command is still printing the items: the command (and
 * what it started) is stopped, the CLI says so and exits 130 / 143 with nothing run and no
 * state written — it used to die by the signal itself, silently, leaving the command running.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isRunning, prepareCli, readLines, startCli, tempDirsPerTest, waitUntil } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-items-command-stop-");

describe("a stop while --items-command runs", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s: the command's process group is stopped, exit %i, nothing run", async (signal, code) => {
    const dir = newDir();
    // The shell starts a child (sleep) and records both pids; the items never come.
    const itemsCommand = "echo $$ > shell.pid; sleep 60 & echo $! > child.pid; wait";
    const p = startCli(cli, ["run", "--items-command", itemsCommand, "--run", "echo ran >> ran.log"], { cwd: dir });
    await waitUntil(
      () => existsSync(join(dir, "child.pid")) && readFileSync(join(dir, "child.pid"), "utf8").trim() !== "",
      "the items command to start",
    );
    const pids = ["shell.pid", "child.pid"].map((f) => Number(readFileSync(join(dir, f), "utf8").trim()));
    p.child.kill(signal);
    const r = await p.done;
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(new RegExp(`stopped: ${signal} received while the items were read: nothing was run`));
    await waitUntil(() => pids.every((pid) => !isRunning(pid)), "the items command and its child to be gone", 10_000);
    expect(readLines(join(dir, "ran.log"))).toEqual([]);
    expect(existsSync(join(dir, ".resumable-batch", "snapshot.json"))).toBe(false);
  });
});
