/**
 * Large numbers through the built CLI: a numeric id keeps its digits (…993 is not …992),
 * and a command (ITEM_JSON, stdin) and a worker (the request's "item") get each item as
 * the source wrote it, not re-serialised from a double.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { prepareCli, readLines, runCli, tempDirsPerTest, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-as-written-");

const ITEMS = ['{"id":9007199254740993,"amount":12345678901234567890}', '{"id":9007199254740992,"ratio":1.10}'];

describe("items as written", () => {
  it("--run: two ids that round to one double are two items, each command gets its line as written", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", ITEMS.join("\n") + "\n");
    const r = await runCli(
      cli,
      [
        "run",
        "--items",
        "items.jsonl",
        "--run",
        'printf "%s %s\\n" "$ITEM_ID" "$ITEM_JSON" >> got.log; cat >> stdin.log; echo >> stdin.log',
        "--state-dir",
        "state",
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/duplicate/);
    expect(readLines(join(dir, "got.log")).sort()).toEqual([`9007199254740992 ${ITEMS[1]}`, `9007199254740993 ${ITEMS[0]}`]);
    expect(readLines(join(dir, "stdin.log")).sort()).toEqual([...ITEMS].sort());
  });

  it("--worker: the request carries the item as written", async () => {
    const dir = newDir();
    writeFile(dir, "items.json", `[\n  ${ITEMS[0]},\n  {"id": "pretty",\n   "n": 98765432109876543210}\n]\n`);
    writeFile(
      dir,
      "worker.sh",
      [
        "while IFS= read -r req; do",
        '  printf "%s\\n" "$req" >> requests.log',
        '  id=$(printf "%s" "$req" | sed -E \'s/^\\{"id":"([^"]*)".*/\\1/\')',
        '  printf \'{"id":"%s","ok":true}\\n\' "$id"',
        "done",
      ].join("\n") + "\n",
    );
    const r = await runCli(cli, ["run", "--items", "items.json", "--worker", "sh worker.sh", "--state-dir", "state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const requests = readLines(join(dir, "requests.log"));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toContain(`"item":${ITEMS[0]}}`);
    expect(requests[1]).toContain('"n": 98765432109876543210');
  });
});
