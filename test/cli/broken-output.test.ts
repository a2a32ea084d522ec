/**
 * A log nobody reads must not end a run: `run … 2>&1 | tee log` and Ctrl-C kills tee with
 * the CLI, and `| head -1` stops reading after one line. The CLI's next write then fails
 * with EPIPE; the run must still stop gracefully (exit 130, lock released, finished items
 * recorded), or finish normally.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cleanup, itemIds, prepareCli, readLines, runCli, startCli, tempDir, waitUntil, writeFile } from "./helpers.js";

let cli: string;
const dirs: string[] = [];
beforeAll(() => {
  cli = prepareCli();
});
afterEach(() => {
  for (const d of dirs.splice(0)) cleanup(d);
});
function newDir(): string {
  const d = tempDir("rb-broken-output-");
  dirs.push(d);
  return d;
}

const HANDLER = `sleep 0.1; printf '%s\\n' "$ITEM_ID" >> done.log`;

describe("standard output and error without a reader", () => {
  it("a SIGINT after the reader exited still stops with 130, the lock released and every finished item recorded", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", itemIds(200).join("\n") + "\n");
    const run = startCli(cli, ["run", "--items", "items.txt", "--run", HANDLER, "--concurrency", "2", "--state-dir", "state"], { cwd: dir });
    await waitUntil(() => readLines(join(dir, "done.log")).length >= 4, "4 items done");
    // The reader (tee, head) is gone: the CLI's next write gets EPIPE.
    run.child.stdout!.destroy();
    run.child.stderr!.destroy();
    run.child.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(existsSync(join(dir, "state", "lock"))).toBe(false);
    const status = await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    const done = readLines(join(dir, "done.log"));
    expect(JSON.parse(status.stdout).done).toBe(done.length);
    expect(done.length).toBeLessThan(200);
  });

  it("a run whose reader exited after the first line finishes its items and exits 0", async () => {
    const dir = newDir();
    writeFile(dir, "items.txt", itemIds(20).join("\n") + "\n");
    const run = startCli(cli, ["run", "--items", "items.txt", "--run", `printf '%s\\n' "$ITEM_ID" >> done.log`, "--state-dir", "state"], {
      cwd: dir,
    });
    await run.waitForStderr(/to do/);
    run.child.stdout!.destroy();
    run.child.stderr!.destroy();
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, "state", "lock"))).toBe(false);
    expect(readLines(join(dir, "done.log")).length).toBe(20);
  });
});
