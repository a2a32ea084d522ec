/**
 * Graceful shutdown of the built CLI under real signals: SIGINT / SIGTERM mid-run stop
 * between items with the checkpoint intact (exit 130 / 143) inside the runner's grace
 * window, the next run resumes without repeating finished work, and handler processes —
 * one that ignores SIGTERM, and the grandchildren a handler starts — do not outlive the run.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { cleanup, countBy, isRunning, itemIds, prepareCli, readLines, runCli, startCli, tempDir, waitUntil, writeFile } from "./helpers.js";

let cli: string;
const dirs: string[] = [];
/** Processes (and the groups they lead) a failing test might leave behind; killed after each test. */
const leftovers: number[] = [];
beforeAll(() => {
  cli = prepareCli();
});
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // already gone, as it should be
      }
    }
  }
  for (const d of dirs.splice(0)) cleanup(d);
});
function newDir(): string {
  const d = tempDir("rb-signals-");
  dirs.push(d);
  return d;
}

/** The runner's window between SIGINT and SIGTERM (docs/ARCHITECTURE.md, "Signals"). */
const RUNNER_SIGINT_TO_SIGTERM_MS = 7500;

describe("SIGINT / SIGTERM mid-run, then resume", () => {
  it("stops within the grace with 130 / 143, repeats no finished item, and the last run finishes with 0", async () => {
    const dir = newDir();
    const ids = itemIds(60);
    writeFile(dir, "items.txt", ids.join("\n") + "\n");
    // The record is written at the END of the item's work, after a sleep a signal can land in.
    const handler = `sleep 0.3; printf '%s\\n' "$ITEM_ID" >> done.log`;
    const args = ["run", "--items", "items.txt", "--run", handler, "--concurrency", "4", "--shutdown-grace", "5s", "--state-dir", "state"];
    const doneLog = join(dir, "done.log");

    // Run 1: SIGINT once a few items are done.
    const run1 = startCli(cli, args, { cwd: dir });
    await waitUntil(() => readLines(doneLog).length >= 8, "8 items done in run 1");
    const sigintAt = Date.now();
    run1.child.kill("SIGINT");
    const r1 = await run1.done;
    const stop1Ms = Date.now() - sigintAt;
    expect(r1.code, r1.stderr).toBe(130);
    expect(stop1Ms).toBeLessThan(RUNNER_SIGINT_TO_SIGTERM_MS);
    expect(r1.stderr).toMatch(/SIGINT received/);
    expect(r1.stderr).toMatch(/stopped by a signal; progress is saved/);
    const afterRun1 = readLines(doneLog);
    expect(afterRun1.length).toBeLessThan(ids.length);
    // The items in flight at the signal had the grace to finish, and were recorded as done:
    // everything the handler finished is in the checkpoint.
    const status1 = await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir });
    expect(JSON.parse(status1.stdout).done).toBe(afterRun1.length);

    // Run 2: SIGTERM, the runner's second step.
    const run2 = startCli(cli, args, { cwd: dir });
    await waitUntil(() => readLines(doneLog).length >= afterRun1.length + 8, "8 more items done in run 2");
    const sigtermAt = Date.now();
    run2.child.kill("SIGTERM");
    const r2 = await run2.done;
    expect(r2.code, r2.stderr).toBe(143);
    expect(Date.now() - sigtermAt).toBeLessThan(RUNNER_SIGINT_TO_SIGTERM_MS);
    expect(r2.stderr).toMatch(/SIGTERM received/);
    expect(r2.stderr).toMatch(new RegExp(`${afterRun1.length} done in earlier runs`));

    // Run 3 finishes the rest.
    const r3 = await runCli(cli, args, { cwd: dir });
    expect(r3.code, r3.stderr).toBe(0);
    const all = readLines(doneLog);
    const counts = countBy(all);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    // In-flight items finished inside the grace, so not even they ran twice.
    expect(repeated).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(ids);
    console.log(`[signals] SIGINT → exit took ${stop1Ms}ms (grace 5s); run 1 finished ${afterRun1.length} of ${ids.length} items`);
  });

  it("cuts off in-flight items after a short grace: they are not failures, and the next run does them", async () => {
    const dir = newDir();
    const ids = itemIds(6);
    writeFile(dir, "items.txt", ids.join("\n") + "\n");
    writeFile(dir, "h.sh", `printf '%s\\n' "$ITEM_ID" >> started.log\nsleep "$SLEEP"\nprintf '%s\\n' "$ITEM_ID" >> done.log\n`);
    const args = (sleep: string) => [
      "run",
      "--items",
      "items.txt",
      "--run",
      `SLEEP=${sleep} sh h.sh`,
      "--concurrency",
      "3",
      "--shutdown-grace",
      "300ms",
      "--state-dir",
      "state",
    ];
    const run1 = startCli(cli, args("20"), { cwd: dir });
    await waitUntil(() => readLines(join(dir, "started.log")).length === 3, "3 items started");
    const sigintAt = Date.now();
    run1.child.kill("SIGINT");
    const r1 = await run1.done;
    expect(r1.code, r1.stderr).toBe(130);
    expect(Date.now() - sigintAt).toBeLessThan(RUNNER_SIGINT_TO_SIGTERM_MS);
    expect(readLines(join(dir, "done.log"))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, "state", "failures.json"), "utf8")).failures).toEqual([]);

    const r2 = await runCli(cli, args("0"), { cwd: dir });
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/0 done in earlier runs, 0 failed and held for retry-failures, 6 to do/);
    expect(readLines(join(dir, "done.log")).sort()).toEqual(ids);
  });

  it("a second SIGINT skips the rest of the grace", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", "a\nb\n");
    const args = [
      "run",
      "--items",
      "items.txt",
      "--run",
      `printf x >> started.log; sleep 20`,
      "--concurrency",
      "2",
      "--shutdown-grace",
      "30s",
      "--state-dir",
      "state",
    ];
    const run = startCli(cli, args, { cwd: dir });
    await waitUntil(() => (readLines(join(dir, "started.log"))[0] ?? "").length === 2, "both items started");
    run.child.kill("SIGINT");
    await run.waitForStderr(/SIGINT received/);
    const secondAt = Date.now();
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - secondAt).toBeLessThan(5000);
  });
});

describe("status while a run is going on", () => {
  it("says the run is running now (its pid), not that it did not stop cleanly; after a kill, it did not stop cleanly", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", itemIds(40).join("\n") + "\n");
    const run = startCli(cli, ["run", "--items", "items.txt", "--run", `sleep 0.2; printf '%s\\n' "$ITEM_ID" >> done.log`, "--state-dir", "state"], {
      cwd: dir,
    });
    leftovers.push(run.child.pid!);
    await waitUntil(() => readLines(join(dir, "done.log")).length >= 3, "3 items done");
    const status = await runCli(cli, ["status", "--state-dir", "state"], { cwd: dir });
    expect(status.stdout).toMatch(new RegExp(`last run: .* running now \\(pid ${run.child.pid}\\)`));
    const json = await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir });
    expect(JSON.parse(json.stdout).running.pid).toBe(run.child.pid);
    run.child.kill("SIGKILL");
    await run.done;
    const after = await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir });
    expect(JSON.parse(after.stdout).running).toBeUndefined();
    expect((await runCli(cli, ["status", "--state-dir", "state"], { cwd: dir })).stdout).toMatch(/did not stop cleanly/);
  });
});

// Both ways of starting --run commands: the spawn server (the default) and Node's spawn.
describe.each(["1", "0"])("handler processes do not outlive the run (RESUMABLE_BATCH_SPAWN_SERVER=%s)", (spawnServer) => {
  it("kills a handler that ignores SIGTERM, and the grandchildren a handler started, even with a short grace", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", "ignores-term\nhas-grandchild\n");
    writeFile(
      dir,
      "h.sh",
      [
        `case "$ITEM_ID" in`,
        // SIG_IGN is inherited across exec: the sleep ignores SIGTERM too; only SIGKILL stops them.
        `  ignores-term) trap '' TERM; echo $$ > ignorer.pid; sleep 60;;`,
        // A grandchild in the handler's process group: sh -> sh -> sleep.
        `  has-grandchild) sh -c 'sleep 60 & echo $! > grandchild.pid; wait';;`,
        `esac`,
        `printf '%s\\n' "$ITEM_ID" >> done.log`,
      ].join("\n") + "\n",
    );
    // Short graces (the runner abandons the attempt before the SIGKILL would follow), and
    // the default 5s, whose SIGTERM + 1s SIGKILL must still fit the runner's 7.5s window.
    for (const grace of ["500ms", "1s", "5s"]) {
      const state = `state-${grace}`;
      const run = startCli(
        cli,
        ["run", "--items", "items.txt", "--run", "sh h.sh", "--concurrency", "2", "--shutdown-grace", grace, "--state-dir", state],
        { cwd: dir, env: { RESUMABLE_BATCH_SPAWN_SERVER: spawnServer } },
      );
      await waitUntil(
        () => readLines(join(dir, "ignorer.pid")).length === 1 && readLines(join(dir, "grandchild.pid")).length === 1,
        "both handlers started",
      );
      const ignorer = Number(readLines(join(dir, "ignorer.pid"))[0]);
      const grandchild = Number(readLines(join(dir, "grandchild.pid"))[0]);
      leftovers.push(ignorer, grandchild);
      expect(isRunning(ignorer)).toBe(true);
      expect(isRunning(grandchild)).toBe(true);
      const sigintAt = Date.now();
      run.child.kill("SIGINT");
      const r = await run.done;
      expect(r.code, r.stderr).toBe(130);
      // grace, then SIGTERM to the group, then SIGKILL a second later, well inside the runner's window
      const stopMs = Date.now() - sigintAt;
      console.log(`[signals] handler ignoring SIGTERM, --shutdown-grace ${grace}: SIGINT → exit ${stopMs}ms`);
      expect(stopMs).toBeLessThan(RUNNER_SIGINT_TO_SIGTERM_MS);
      // Signals are delivered asynchronously; give the kernel a moment, not the handler.
      await waitUntil(() => !isRunning(ignorer) && !isRunning(grandchild), `handler processes gone after the run (grace ${grace})`, 500).catch(
        () => {},
      );
      expect({ grace, ignorerRunning: isRunning(ignorer), grandchildRunning: isRunning(grandchild) }).toEqual({
        grace,
        ignorerRunning: false,
        grandchildRunning: false,
      });
      expect(readLines(join(dir, "done.log"))).toEqual([]);
      cleanupPidFiles(dir);
    }
  });
});

function cleanupPidFiles(dir: string): void {
  for (const f of ["ignorer.pid", "grandchild.pid"]) cleanup(join(dir, f));
}
