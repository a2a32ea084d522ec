import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

describe("failures --format csv", () => {
  it("writes the header once and every row, a thousand rows at a time", async () => {
    const cwd = cliDir();
    const dir = join(cwd, "state");
    mkdirSync(dir);
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({
        t: "fail",
        id: `f${i}`,
        kind: "permanent",
        error: i === 7 ? "=cmd|' /C calc'!A0" : "bad",
        attempts: 1,
        runs: 1,
        first: "a",
        last: "b",
        item: { n: i },
      }),
    );
    writeFileSync(join(dir, journalFileName(0)), lines.join("\n") + "\n");
    const o = io(cwd);
    const writes: string[] = [];
    o.stdout = { write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
    expect(await main(["failures", "--format", "csv", "--state-dir", "state"], o)).toBe(0);
    const rows = writes.join("").trimEnd().split("\n");
    expect(rows[0]).toBe("id,kind,attempts,firstFailedAt,lastFailedAt,error,item");
    expect(rows).toHaveLength(2501);
    expect(rows.filter((r) => r.startsWith("id,"))).toHaveLength(1);
    expect(rows.some((r) => r.includes(`"'=cmd|' /C calc'!A0"`) || r.includes("'=cmd"))).toBe(true);
  });
});

describe("report with a job log", () => {
  it("report.html and summary.md say how many results there are and how to print them, with the duration view", async () => {
    const cwd = cliDir();
    writeFileSync(join(cwd, "items.txt"), "a\nb\n");
    writeFileSync(join(cwd, "h.mjs"), "export default async (item) => ({ got: item });\n");
    const r = io(cwd);
    expect(await main(["run", "--items", join(cwd, "items.txt"), "--module", join(cwd, "h.mjs"), "--results"], r), r.err).toBe(0);
    const o = io(cwd);
    expect(await main(["report"], o)).toBe(0);
    const html = readFileSync(join(cwd, ".resumable-batch", "report.html"), "utf8");
    expect(html).toMatch(/id="results-count">2</);
    expect(html).toMatch(/Print them with resumable-batch results --state-dir .*\.resumable-batch/);
    expect(html).toMatch(/id="durations"/);
    expect(readFileSync(join(cwd, ".resumable-batch", "summary.md"), "utf8")).toMatch(
      /### Results\n\n2 item\(s\) have a result record\. Print them with `resumable-batch results --state-dir /,
    );
  });
});
