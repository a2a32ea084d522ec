/**
 * A `--run` handler that cannot run (no execute bit: 126; not found: 127; a working folder
 * that is gone: spawn ENOENT) through the built CLI, on both spawn paths: the run stops at
 * the first item with exit 2 and the fix, and no item is marked failed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { prepareCli, readJson, readLines, runCli, tempDirsPerTest, writeFile, type FailuresJson } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-setup-");

const items = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `item-${i + 1}` })).join("\n") + "\n";

describe.each([
  { path: "spawn server", env: {} as Record<string, string> },
  { path: "Node spawn", env: { RESUMABLE_BATCH_SPAWN_SERVER: "0" } as Record<string, string> },
])("a --run handler that cannot run, via $path", ({ env }) => {
  it("a script without its execute bit: exit 2 with chmod +x, no item failed; fixed, the next run does them all", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", items(50));
    writeFile(dir, "process.sh", '#!/bin/sh\necho "$ITEM_ID" >> done.log\n');
    const args = ["run", "--items", "items.jsonl", "--run", "./process.sh", "--state-dir", "state"];
    const r = await runCli(cli, args, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /error: --run '\.\/process\.sh' cannot run \(exit code 126: found but not executable: .*\): \.\/process\.sh is not executable: run `chmod \+x \.\/process\.sh`.*Stopped at item "item-1"; no item was marked failed/s,
    );
    expect(r.stderr).not.toMatch(/✗/);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
    const status = JSON.parse((await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir })).stdout);
    expect(status).toMatchObject({ done: 0, failed: 0 });

    writeFile(dir, "process.sh", '#!/bin/sh\necho "$ITEM_ID" >> done.log\n');
    const { chmodSync } = await import("node:fs");
    chmodSync(join(dir, "process.sh"), 0o755);
    const again = await runCli(cli, args, { cwd: dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(readLines(join(dir, "done.log"))).toHaveLength(50);
  });

  it("a script that does not exist: exit 2, not found relative to the working folder", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", items(5));
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "./scripts/process-item.sh", "--state-dir", "state"], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`./scripts/process-item.sh not found relative to ${dir} (the working folder)`);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
  });

  it("exit 127 of one item after others succeeded is that item's own failure; the run goes on", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", items(4));
    const r = await runCli(
      cli,
      ["run", "--items", "items.jsonl", "--run", 'test "$ITEM_ID" != item-3 || exec no-such-tool-rb; true', "--state-dir", "state"],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(1);
    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures.map((f) => [f.id, f.kind])).toEqual([["item-3", "permanent"]]);
    expect(failures[0]!.error).toMatch(/^exit code 127: .*no-such-tool-rb.*not found/);
  });
});
