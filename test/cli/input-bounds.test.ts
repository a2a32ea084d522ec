/**
 * Reading the items is bounded and interruptible, through the built CLI: /dev/zero is an
 * input error (a line over MAX_LINE_BYTES), not 13 GB of memory; a SIGINT while a pipe's
 * writer is silent stops the run with 130, the lock released; a FIFO with a duplicate id
 * is read once.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prepareCli, runCli, startCli, tempDirsPerTest, writeFile } from "./helpers.js";
import { waitUntil } from "../support/wait-until.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-input-bounds-");
const writers: ChildProcess[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill("SIGKILL");
});

function fifo(dir: string): string {
  const path = join(dir, "items.fifo");
  execFileSync("mkfifo", [path]);
  return path;
}

/** Starts a run over these items, sends SIGINT once it reads them: exit 130, lock released, nothing run. */
async function expectStoppedWhileReading(dir: string, items: string): Promise<void> {
  const run = startCli(cli, ["run", "--items", items, "--run", "true", "--state-dir", "state"], { cwd: dir });
  // The run listens for signals before it takes the lock: once the lock is there, a SIGINT
  // is a graceful stop (a fixed wait raced the CLI's start-up on a loaded machine).
  await waitUntil(() => existsSync(join(dir, "state", "lock")), "the run to take its lock", 20_000);
  run.child.kill("SIGINT");
  const r = await run.done;
  expect(r.code, r.stderr).toBe(130);
  expect(r.stderr).toMatch(/SIGINT received while the items were read: nothing was run/);
  expect(existsSync(join(dir, "state", "lock"))).toBe(false);
}

describe("bounded, interruptible input", () => {
  it("--items /dev/zero is bad input (exit 2) naming the line and the cap", async () => {
    const dir = newDir();
    const r = await runCli(cli, ["run", "--items", "/dev/zero", "--run", "true", "--state-dir", "state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/zero:1: the line is longer than 64 MiB \(MAX_LINE_BYTES\)/);
  });

  it("SIGINT while a pipe's writer is silent: exit 130, lock released, nothing recorded", async () => {
    const dir = newDir();
    const path = fifo(dir);
    // A writer that opens the FIFO and then says nothing.
    writers.push(spawn("/bin/sh", ["-c", 'exec sleep 30 > "$1"', "sh", path], { stdio: "ignore" }));
    await expectStoppedWhileReading(dir, path);
  });

  it("SIGINT while a large regular file is read (read synchronously, a chunk at a time): exit 130 before its end", async () => {
    const dir = newDir();
    // 4M lines, 52 MB: its first pass takes seconds, and the stop must not wait for its end.
    const path = join(dir, "items.txt");
    writeFileSync(path, "");
    for (let from = 0; from < 4_000_000; from += 100_000) {
      appendFileSync(path, Array.from({ length: 100_000 }, (_, i) => `item-${String(from + i).padStart(7, "0")}\n`).join(""));
    }
    await expectStoppedWhileReading(dir, path);
  });

  it("a FIFO with a duplicate id is read once: the run finishes with the duplicate warned about", async () => {
    const dir = newDir();
    const path = fifo(dir);
    writers.push(spawn("/bin/sh", ["-c", `printf 'a\\nb\\na\\n' > "$1"`, "sh", path], { stdio: "ignore" }));
    writeFile(dir, "keep.txt", "");
    const r = await runCli(cli, ["run", "--items", path, "--run", 'printf "%s\\n" "$ITEM_ID" >> done.log', "--state-dir", "state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 duplicate id\(s\) skipped/);
    expect(r.stderr).toMatch(/2 processed/);
  });
});
