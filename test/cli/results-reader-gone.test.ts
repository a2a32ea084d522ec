/**
 * `resumable-batch results … | head -1`: the reader leaves after what it wanted, the CLI's
 * next write fails with EPIPE. That is not an error of the export (it printed a stack and
 * exited 2): it stops writing and exits 0, as `log` does.
 */
import { once } from "node:events";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareCli, startCli, tempDirsPerTest, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-results-gone-");

/** A job log of 20,000 results of ~250 bytes: far more than a pipe holds. */
function bigJobLog(dir: string): void {
  const lines = ['{"t":"seg","v":1,"seq":1,"run":"1","att":1,"h":"module"}'];
  for (let i = 0; i < 20_000; i++) lines.push(`{"id":"item-${i}","at":1764000000000,"ms":1,"n":1,"r":{"note":"${"x".repeat(200)}"}}`);
  lines.push('{"t":"keys","keys":["note"],"plain":false}');
  writeFile(dir, "state/outcomes-1.jsonl", lines.join("\n") + "\n");
}

describe("results and log without a reader", () => {
  it.each([
    ["results", "csv"],
    ["results", "jsonl"],
    ["log", "csv"],
  ])("%s --format %s stops quietly with 0 when the reader of its output is gone", async (command, format) => {
    const dir = newDir();
    bigJobLog(dir);
    const run = startCli(cli, [command, "--state-dir", "state", "--format", format], { cwd: dir });
    await once(run.child.stdout!, "data");
    run.child.stdout!.destroy();
    const result = await run.done;
    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(0);
  });
});
