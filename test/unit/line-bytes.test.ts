/**
 * The per-item lines written as bytes straight into the writer's buffer (line-bytes.ts)
 * must be the very bytes of the string forms, in order with lines appended as strings,
 * whatever the id and the numbers, and across buffer-full writes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appendSuccessLine, successLine } from "../../src/core/outcomes/outcome-lines.js";
import { appendDoneLine, doneLine } from "../../src/core/state/journal-records.js";
import { JournalWriter } from "../../src/core/state/journal-writer.js";
import { putNumber } from "../../src/core/state/line-bytes.js";
import { FakeSystem } from "../support/fake-system.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function writerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "rb-line-bytes-"));
  dirs.push(dir);
  return join(dir, "journal-0.jsonl");
}

const IDS = ["a", "item-0000001", "", 'q"uote', "back\\slash", "tab\there", "del\x7f", "é", "🎉", "x\ud800", "~ !#", "x".repeat(3000)];
const NUMBERS = [0, 7, 9, 10, 99, 100, 1764280000123, 2 ** 53 - 1, 2 ** 53, 2 ** 60, 1.5, 0.1, -1, -0, 1e21, 1e-7, NaN, Infinity];

describe("lines written as bytes", () => {
  it("are the bytes of doneLine and successLine, in order with string lines, across buffer-full writes", () => {
    const path = writerPath();
    // A 256-byte buffer: most lines make it write out first; the 3000-character id does not fit at all.
    const w = new JournalWriter(path, new FakeSystem(), 60_000, 128);
    const expected: string[] = [];
    let i = 0;
    for (const id of IDS) {
      for (const at of NUMBERS) {
        const ms = NUMBERS[i++ % NUMBERS.length]!;
        appendDoneLine(w, id);
        expected.push(doneLine(id));
        appendSuccessLine(w, id, at, ms, (i % 3) + 1);
        expected.push(successLine(id, at, ms, (i % 3) + 1, "", undefined));
        // The same start again (items starting in one millisecond): its digits come from a cache.
        appendSuccessLine(w, id, at, i, 2);
        expected.push(successLine(id, at, i, 2, "", undefined));
        if (i % 5 === 0) {
          const line = `{"t":"other","n":${i}}\n`;
          w.append(line);
          expected.push(line);
        }
      }
    }
    w.close();
    expect(readFileSync(path)).toEqual(Buffer.from(expected.join(""), "utf8"));
  });

  it("putNumber writes what String() writes", () => {
    const bytes = new Uint8Array(64);
    const more = [1, 12, 123, 4503599627370495, 999999999999999, 1000000000000000, 123456789012345, 5e-324, -1.7976931348623157e308];
    for (const x of [...NUMBERS, ...more]) {
      const end = putNumber(bytes, 3, x);
      expect(Buffer.from(bytes.subarray(3, end)).toString("latin1")).toBe(String(x));
    }
  });
});
