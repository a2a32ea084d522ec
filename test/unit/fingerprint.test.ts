import { describe, expect, it } from "vitest";
import {
  decodeFingerprintColumn,
  encodeFingerprintColumn,
  fingerprintOf,
  fingerprintText,
  parseFingerprintText,
} from "../../src/core/state/fingerprint.js";
import { idempotencyKey } from "../../src/core/run/idempotency.js";
import { createHash } from "node:crypto";
import { BatchState } from "../../src/core/state/batch-state.js";
import { doneLineWithFingerprint, recordLine } from "../../src/core/state/journal-records.js";
import { replayJournalText } from "../../src/core/state/state-store.js";

describe("fingerprintOf", () => {
  it("ignores key order and formatting, as canonical JSON does", () => {
    const a = JSON.parse('{"id":"a","x":1,"nested":{"p":[1,{"b":2,"a":1}],"q":null}}');
    const b = JSON.parse('{ "nested": { "q": null, "p": [1, { "a": 1, "b": 2.0 }] },\n "x": 1e0, "id": "a" }');
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
  });

  it("tells values, types, array order and string boundaries apart", () => {
    const values = [
      { x: 1 },
      { x: "1" },
      { x: [1, 2] },
      { x: [2, 1] },
      { x: ["ab", "c"] },
      { x: ["a", "bc"] },
      { x: true },
      { x: null },
      { y: 1 },
      "line",
      {},
    ];
    expect(new Set(values.map(fingerprintOf)).size).toBe(values.length);
  });

  it("is a whole number below 2^48 that round-trips through 8 base64url characters", () => {
    const fingerprint = fingerprintOf({ id: "user-17", email: "a@example.com" });
    expect(Number.isInteger(fingerprint) && fingerprint >= 0 && fingerprint < 2 ** 48).toBe(true);
    expect(fingerprintText(fingerprint)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(parseFingerprintText(fingerprintText(fingerprint))).toBe(fingerprint);
    expect(parseFingerprintText("short")).toBeUndefined();
  });

  it("stores a column of fingerprints in order, none as 0", () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i === 7 ? 0 : fingerprintOf(`item-${i}`)));
    values[8] = 2 ** 48 - 1;
    const column = encodeFingerprintColumn(values);
    expect(column).toHaveLength(8 * values.length);
    expect([...decodeFingerprintColumn(column, values.length)]).toEqual(values);
  });
});

describe("idempotencyKey", () => {
  it("is sha256(namespace NUL id) for pass 1 of an unchanged item, as before passes", () => {
    expect(idempotencyKey("user-17", "nightly")).toBe(createHash("sha256").update("nightly\0user-17").digest("hex").slice(0, 32));
    expect(idempotencyKey("user-17", "nightly", 1, 0)).toBe(idempotencyKey("user-17", "nightly"));
  });

  it("differs by pass and by version", () => {
    const keys = [
      idempotencyKey("a", "n"),
      idempotencyKey("a", "n", 2),
      idempotencyKey("a", "n", 1, 1),
      idempotencyKey("a", "n", 2, 1),
      idempotencyKey("a", "m", 2),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("journal records of passes and versions", () => {
  it("replays a pass record: the history grows and the done set empties; the same pass record again changes nothing", () => {
    const text =
      recordLine({ t: "start", seq: 1, runId: "1", runAttempt: 1, mode: "run", at: "2026-01-01T00:00:00.000Z", pass: 1 }) +
      doneLineWithFingerprint("a", fingerprintText(5), 0) +
      recordLine({ t: "end", seq: 1, at: "2026-01-01T00:01:00.000Z", succeeded: 1, failed: 0, stopReason: "complete", total: 1, remaining: 0 }) +
      recordLine({ t: "pass", pass: 2, at: "2026-01-02T00:00:00.000Z" }) +
      recordLine({ t: "start", seq: 2, runId: "2", runAttempt: 1, mode: "run", at: "2026-01-02T00:00:00.000Z", pass: 2 }) +
      doneLineWithFingerprint("b", fingerprintText(9), 3);
    const again = recordLine({ t: "pass", pass: 2, at: "2026-01-02T00:00:00.000Z" });
    for (const journal of [text, text + again]) {
      const state = new BatchState();
      replayJournalText(journal, state, "j", []);
      expect(state.pass).toBe(2);
      expect([...state.done]).toEqual(["b"]);
      expect(state.fingerprints.get("b")).toBe(9);
      expect(state.fingerprints.get("a")).toBeUndefined();
      expect(state.versions).toEqual(new Map([["b", 3]]));
      expect(state.passes).toEqual([
        { pass: 1, startedAt: "2026-01-01T00:00:00.000Z", completedAt: "2026-01-01T00:01:00.000Z", succeeded: 1, failed: 0, runs: 1 },
      ]);
      expect(state.runs.map((r) => r.pass)).toEqual([1, 2]);
    }
  });
});

describe("DoneSet values (fingerprints beside the done ids)", () => {
  it("keep each id's value through growth and deletions", async () => {
    const { DoneSet } = await import("../../src/core/state/done-set.js");
    const set = new DoneSet();
    for (let i = 0; i < 5000; i++) set.setValueAt(set.add(`id-${i}`).indexOf(`id-${i}`), i + 1);
    for (let i = 0; i < 5000; i += 3) set.delete(`id-${i}`);
    for (let i = 5000; i < 20000; i++) set.add(`id-${i}`); // grows: rehashes, dropping the deleted
    for (let i = 0; i < 5000; i++) {
      const index = set.indexOf(`id-${i}`);
      if (i % 3 === 0) expect(index).toBe(-1);
      else expect(set.valueAt(index)).toBe(i + 1);
    }
    expect(set.valueAt(set.indexOf("id-12345"))).toBe(0);
    expect([...set.withValues()].slice(0, 2)).toEqual([
      ["id-1", 2],
      ["id-2", 3],
    ]);
  });
});
