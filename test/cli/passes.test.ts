/**
 * Recurring work through the built CLI: --repeat waits for its interval (exit 0, saying when
 * the next pass starts), --new-pass runs every item again under new idempotency keys,
 * --reprocess-changed with --version-field runs only what changed, and status shows passes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { tempDirsPerTest, prepareCli, runCli, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-passes-");

const HANDLER = 'printf "%s %s\\n" "$ITEM_ID" "$IDEMPOTENCY_KEY" >> calls.log';
const calls = (dir: string): Array<[string, string]> => {
  let text: string;
  try {
    text = readFileSync(join(dir, "calls.log"), "utf8");
  } catch {
    return [];
  }
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ") as [string, string]);
};
const items = (dir: string, list: unknown[]) => writeFile(dir, "items.jsonl", list.map((i) => JSON.stringify(i)).join("\n") + "\n");

describe("passes on the command line", () => {
  it("waits for --repeat with exit 0 and says when; --new-pass runs every item again with new keys; status shows both passes", async () => {
    const dir = newDir();
    items(dir, [{ id: "a" }, { id: "b" }]);
    const first = await runCli(cli, ["run", "--items", "items.jsonl", "--run", HANDLER, "--repeat", "1h"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const passOne = new Map(calls(dir));
    expect([...passOne.keys()]).toEqual(["a", "b"]);

    const waiting = await runCli(cli, ["run", "--items", "items.jsonl", "--run", HANDLER, "--repeat", "1h"], { cwd: dir });
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(waiting.stderr).toMatch(/pass 1 is complete; the next pass starts at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(repeat 1h00m\)/);
    expect(calls(dir)).toHaveLength(2);

    const again = await runCli(cli, ["run", "--items", "items.jsonl", "--run", HANDLER, "--new-pass"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/starting pass 2 \(new-pass asked for it\)/);
    expect(again.stderr).toMatch(/run \(pass 2\): 2 processed/);
    const passTwo = calls(dir).slice(2);
    expect(passTwo.map(([id]) => id)).toEqual(["a", "b"]);
    for (const [id, key] of passTwo) expect(key).not.toBe(passOne.get(id));

    const status = JSON.parse((await runCli(cli, ["status", "--json"], { cwd: dir })).stdout);
    expect(status).toMatchObject({
      pass: 2,
      done: 2,
      passes: [
        { pass: 1, succeeded: 2, failed: 0, runs: 2 },
        { pass: 2, succeeded: 2, runs: 1 },
      ],
    });
    const text = (await runCli(cli, ["status"], { cwd: dir })).stdout;
    expect(text).toMatch(/pass:\s+pass 2 is complete/);
    expect(text).toMatch(/passes:\s+pass 1: 2 succeeded, 0 failed, 2 run\(s\)/);
  });

  it("processes only the items whose version field changed, and counts them", async () => {
    const dir = newDir();
    items(dir, [
      { id: "a", rev: 1, note: "x" },
      { id: "b", rev: 1, note: "x" },
    ]);
    const args = ["run", "--items", "items.jsonl", "--run", HANDLER, "--reprocess-changed", "--version-field", "rev"];
    expect((await runCli(cli, args, { cwd: dir })).code).toBe(0);
    items(dir, [
      { id: "a", rev: 1, note: "changed, but not its revision" },
      { id: "b", rev: 2, note: "x" },
    ]);
    const second = await runCli(cli, args, { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/1 processed \(1 succeeded, 0 failed, 1 changed since done\)/);
    expect(calls(dir).map(([id]) => id)).toEqual(["a", "b", "b"]);
  });

  it("refuses --new-pass with --retry-failures (exit 2) and a repeat without a unit", async () => {
    const dir = newDir();
    items(dir, [{ id: "a" }]);
    const both = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "true", "--new-pass", "--retry-failures"], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --new-pass or --retry-failures, not both/);
    const bare = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "true", "--repeat", "24"], { cwd: dir });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/--repeat: '24' has no unit/);
  });
});
