/**
 * An item nested 5,000 deep (a 10 kB line) passes the input check (JSON.parse does not
 * recurse) but overflows JSON.stringify. Through the built CLI, with each kind of handler:
 * that item fails alone with a clear reason, the items before and after it are done, and
 * the next run does not run any of them again.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { prepareCli, readJson, readLines, runCli, tempDirsPerTest, writeFile, type FailuresJson } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-poison-");

const DEPTH = 5000;
const ITEMS =
  [JSON.stringify({ id: "before" }), `{"id":"deep","data":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}}`, JSON.stringify({ id: "after" })].join("\n") +
  "\n";

const MODULE = `
import { appendFileSync } from "node:fs";
export default async (item, ctx) => {
  if (ctx.id === "deep") throw new Error("cannot sync a record this deep");
  appendFileSync("done.log", ctx.id + "\\n");
};
`;

const WORKER = `
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    with open("done.log", "a") as f:
        f.write(req["id"] + "\\n")
    print(json.dumps({"id": req["id"], "ok": True}), flush=True)
`;

describe.each([
  {
    handler: "--run",
    value: `echo "$ITEM_ID" >> done.log`,
    reason: /^the item cannot be written as JSON: Maximum call stack size exceeded \(nested too deeply\?\)/,
  },
  {
    handler: "--module",
    value: "handler.mjs",
    reason: /^cannot sync a record this deep; the item cannot be written as JSON: .*, so it is stored without its data$/,
  },
  { handler: "--worker", value: "python3 worker.py", reason: /^the item cannot be written as JSON: Maximum call stack size exceeded/ },
])("an item nested 5,000 deep with $handler", ({ handler, value, reason }) => {
  it("fails alone with the reason; the others are done; the next run repeats nothing", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", ITEMS);
    writeFile(dir, "handler.mjs", MODULE);
    writeFile(dir, "worker.py", WORKER);
    const args = ["run", "--items", "items.jsonl", handler, value, "--state-dir", "state"];
    const r = await runCli(cli, args, { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/RangeError| {4}at /);
    expect(readLines(join(dir, "done.log")).sort()).toEqual(["after", "before"]);
    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures.map((f) => [f.id, f.kind])).toEqual([["deep", "permanent"]]);
    expect(failures[0]!.error).toMatch(reason);

    const again = await runCli(cli, args, { cwd: dir });
    expect(again.code, again.stderr).toBe(1);
    expect(readLines(join(dir, "done.log"))).toHaveLength(2);
  });
});
