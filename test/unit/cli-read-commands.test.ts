import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type CliIo } from "../../src/cli/main.js";
import { doneLine } from "../../src/core/state/journal-records.js";
import { compactState, journalFileName, loadState } from "../../src/core/state/state-store.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const cliDir = tempDirsPerTest("rb-cli-");

function io(cwd: string): CliIo & { out: string; err: string } {
  const r = { out: "", err: "", env: {}, cwd } as CliIo & { out: string; err: string };
  r.stdout = { write: (s: string) => ((r.out += s), true) } as unknown as NodeJS.WriteStream;
  r.stderr = { write: (s: string) => ((r.err += s), true) } as unknown as NodeJS.WriteStream;
  return r;
}

describe("status, failures and report on a folder that holds no state", () => {
  it.each([["status"], ["failures"], ["report"]])("%s says 'no state in DIR', exits 2 and creates nothing", async (command) => {
    const cwd = cliDir();
    const empty = join(cwd, "empty");
    mkdirSync(empty);
    for (const dir of ["typo", "empty"]) {
      const o = io(cwd);
      expect(await main([command, "--state-dir", dir], o)).toBe(2);
      expect(o.err).toMatch(new RegExp(`error: no state in ${join(cwd, dir)}: no snapshot.json or journal there \\(check --state-dir`));
      expect(o.out).toBe("");
    }
    expect(existsSync(join(cwd, "typo"))).toBe(false);
    expect(readdirSync(empty)).toEqual([]);
  });

  it("status reads a folder without changing it (an absorbed journal stays for the next run to remove)", async () => {
    const cwd = cliDir();
    const dir = join(cwd, "state");
    mkdirSync(dir);
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    compactState(dir, loadState(dir).state, 0, "t");
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    const before = readdirSync(dir).sort();
    const o = io(cwd);
    expect(await main(["status", "--json", "--state-dir", "state"], o)).toBe(0);
    expect(JSON.parse(o.out)).toMatchObject({ done: 1 });
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
