/**
 * A failure keeps the item's exact JSON text (`raw`) through the journal, the snapshot and
 * a load, so a retry-failures pass hands --run/--worker the digits the input wrote
 * (issue 12 §5); failures.json keeps its public shape, and older states without it load.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchState } from "../../src/core/state/batch-state.js";
import { StateError } from "../../src/core/platform/errors.js";
import { recordLine, type FailRecord } from "../../src/core/state/journal-records.js";
import { compactState, journalFileName, loadState, SNAPSHOT_FILE } from "../../src/core/state/state-store.js";
import { buildFailuresFile } from "../../src/core/state/failures-file.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const tempDir = tempDirsPerTest("rb-raw-");
const RAW = '{"id":"a","n":12345678901234567890}';
const failRecord = (extra: Partial<FailRecord> = {}): FailRecord => ({
  t: "fail",
  id: "a",
  kind: "permanent",
  error: "boom",
  attempts: 1,
  runs: 1,
  first: "2026-01-01T00:00:00.000Z",
  last: "2026-01-01T00:00:00.000Z",
  item: JSON.parse(RAW) as unknown,
  ...extra,
});
const writeJournal = (dir: string, rec: FailRecord | Record<string, unknown>) =>
  writeFileSync(join(dir, journalFileName(0)), recordLine(rec as FailRecord));

describe("a failure's raw item text", () => {
  it("survives the journal, then the snapshot, exactly", () => {
    const dir = tempDir();
    writeJournal(dir, failRecord({ raw: RAW }));
    const fromJournal = loadState(dir).state;
    expect(fromJournal.failures.get("a")?.raw).toBe(RAW);

    compactState(dir, fromJournal, 0, "2026-01-03T00:00:00.000Z");
    expect(readFileSync(join(dir, SNAPSHOT_FILE), "utf8")).toContain(`"raw":${JSON.stringify(RAW)}`);
    const fromSnapshot = loadState(dir).state;
    expect(fromSnapshot.failures.get("a")?.raw).toBe(RAW);
  });

  it("stays out of failures.json", () => {
    const state = new BatchState();
    state.apply(failRecord({ raw: RAW }));
    const [failure] = buildFailuresFile(state).failures;
    expect(Object.keys(failure ?? {}).sort()).toEqual(["attempts", "error", "firstFailedAt", "id", "item", "kind", "lastFailedAt", "runs"]);
    expect(state.failures.get("a")?.raw).toBe(RAW);
  });

  it("is optional: a state written before it loads without one", () => {
    const dir = tempDir();
    writeJournal(dir, failRecord());
    expect(loadState(dir).state.failures.get("a")).not.toHaveProperty("raw");
  });

  it.each([
    ["not a string", 12345],
    ["not JSON", '{"id":"a",'],
  ])("refuses a raw that is %s, naming the line", (_what, raw) => {
    const dir = tempDir();
    writeJournal(dir, { ...failRecord(), raw });
    expect(() => loadState(dir)).toThrow(StateError);
    expect(() => loadState(dir)).toThrow(/journal-0\.jsonl:1: .*'raw'/);
  });
});
