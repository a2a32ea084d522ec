/**
 * A retry-failures pass hands the command the item as the input wrote it: the failure
 * record keeps the exact text, so 12345678901234567890 is not re-serialised as …567000.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { prepareCli, runCli, tempDirsPerTest, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-retry-as-written-");
const LINE = '{"id":"a","n":12345678901234567890}';

describe("retry-failures with large integers", () => {
  it("gives the command the item's digits exactly, in ITEM_JSON and on stdin", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", LINE + "\n");
    const first = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "exit 9", "--state-dir", "state"], { cwd: dir });
    expect(first.code, first.stderr).toBe(1);

    const retry = await runCli(
      cli,
      ["run", "--retry-failures", "--run", 'printf "%s" "$ITEM_JSON" > got.json; cat > stdin.json', "--state-dir", "state"],
      { cwd: dir },
    );
    expect(retry.code, retry.stderr).toBe(0);
    expect(readFileSync(join(dir, "got.json"), "utf8")).toBe(LINE);
    expect(readFileSync(join(dir, "stdin.json"), "utf8")).toBe(LINE + "\n");
  });
});
