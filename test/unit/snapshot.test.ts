import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BatchState } from "../../src/core/state/batch-state.js";
import { StateError } from "../../src/core/platform/errors.js";
import { doneLine, recordLine } from "../../src/core/state/journal-records.js";
import { compactState, journalFileName, loadState, SNAPSHOT_FILE, stateExists } from "../../src/core/state/state-store.js";
import { capErrorText, MAX_ERROR_BYTES } from "../../src/core/state/state-schema.js";
import { buildFailuresFile, writeFailuresFile } from "../../src/core/state/failures-file.js";
import type { FailureRecord } from "../../src/core/platform/types.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const tempDir = tempDirsPerTest("rb-snap-");
const failure = (id: string, extra: Partial<FailureRecord> = {}): FailureRecord => ({
  id,
  error: `boom ${id}`,
  kind: "permanent",
  attempts: 2,
  runs: 1,
  firstFailedAt: "2026-01-01T00:00:00.000Z",
  lastFailedAt: "2026-01-02T00:00:00.000Z",
  item: { id, n: 1 },
  ...extra,
});

function sampleState(doneIds: string[]): BatchState {
  const state = new BatchState();
  for (const id of doneIds) state.done.add(id);
  state.doneThisRun.push("this-run-1");
  state.doneThisRun.push("this-run-2");
  state.failures.set("f1", failure("f1", { shard: "1/2" }));
  state.failures.set("f2", failure("f2", { kind: "quarantined", runs: 5 }));
  state.runs = [
    {
      seq: 3,
      runId: "42",
      runAttempt: 1,
      mode: "run",
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:01:00.000Z",
      succeeded: 5,
      failed: 2,
      stopReason: "budget",
      total: 10,
      remaining: 3,
    },
  ];
  state.origin = { seq: 3, runId: "42", runAttempt: 1 };
  return state;
}

const snapshotLines = (dir: string) =>
  readFileSync(join(dir, SNAPSHOT_FILE), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

afterEach(() => vi.restoreAllMocks());

describe("snapshot version 2", () => {
  it("round-trips done ids, failures, runs and origin, a record a line between a header and an end line", () => {
    const dir = tempDir();
    const odd = ['quote " and \\ backslash', "new\nline", "ünï ✓ 🎉", "item-1"];
    compactState(dir, sampleState(odd), 0, "2026-01-03T00:00:00.000Z");
    const lines = snapshotLines(dir);
    expect(lines[0]).toMatchObject({ t: "snapshot", format: "resumable-batch-state", version: 2, generation: 1, origin: { seq: 3 } });
    expect(lines.at(-1)).toEqual({ t: "end", runs: 1, failures: 2, done: 6 });
    expect(lines.map((l) => l.t)).toEqual(["snapshot", "run", "failure", "failure", "done", "end"]);

    const loaded = loadState(dir);
    expect(loaded.generation).toBe(1);
    expect([...loaded.state.done].sort()).toEqual([...odd, "this-run-1", "this-run-2"].sort());
    expect(loaded.state.failures.get("f1")).toEqual(failure("f1", { shard: "1/2" }));
    expect(loaded.state.failures.get("f2")).toMatchObject({ kind: "quarantined", runs: 5 });
    expect(loaded.state.runs).toEqual(sampleState([]).runs);
    expect(loaded.state.origin).toEqual({ seq: 3, runId: "42", runAttempt: 1 });
  });

  it("writes this run's ids from their bytes as JSON would: escapes, non-ASCII, lines of 64 KiB, after earlier ids", () => {
    const dir = tempDir();
    const state = new BatchState();
    const earlier = ["e1", 'e"2', ...Array.from({ length: 3000 }, (_, i) => `earlier-${i}`)];
    for (const id of earlier) state.done.add(id);
    const odd = ['quote " mid', "back\\slash", "new\nline", "tab\t", "\u0001", "del\x7f", "ünï", "🎉", "lone \ud800", "~"];
    const plain = Array.from({ length: 20_000 }, (_, i) => `this-run-${String(i).padStart(6, "0")}`);
    const thisRun = [...plain.slice(0, 7000), ...odd, ...plain.slice(7000)];
    for (const id of thisRun) state.doneThisRun.push(id);
    compactState(dir, state, 0, "t");
    const lines = snapshotLines(dir).filter((l) => l.t === "done") as Array<{ ids: string[] }>;
    expect(lines.length).toBeGreaterThan(3);
    // JSON.stringify escapes a lone surrogate (\ud800), so even that id comes back as it was.
    expect(lines.flatMap((l) => l.ids)).toEqual([...earlier, ...thisRun]);
    const text = readFileSync(join(dir, SNAPSHOT_FILE), "utf8");
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThan(70 * 1024);
    // The earlier ids' last part shares a line with this run's first ids, as one list.
    expect(lines.findIndex((l) => l.ids.includes("earlier-2999"))).toBe(lines.findIndex((l) => l.ids.includes("this-run-000000")));
    const loaded = loadState(dir).state.done;
    expect(loaded.size).toBe(earlier.length + thisRun.length);
    for (const id of odd) expect(loaded.has(id), JSON.stringify(id)).toBe(true);
  });

  it("never builds or parses the whole state as one string: the largest is about one line of done ids", () => {
    const dir = tempDir();
    const ids = Array.from({ length: 100_000 }, (_, i) => `item-${String(i).padStart(7, "0")}`);
    const state = sampleState(ids);
    for (let i = 0; i < 200; i++) state.failures.set(`x${i}`, failure(`x${i}`, { error: "e".repeat(5000) }));
    const stringify = vi.spyOn(JSON, "stringify");
    compactState(dir, state, 0, "t");
    const longestWritten = Math.max(...stringify.mock.results.map((r) => (typeof r.value === "string" ? r.value.length : 0)));
    const parse = vi.spyOn(JSON, "parse");
    expect(loadState(dir).state.done.size).toBe(100_002);
    const longestParsed = Math.max(...parse.mock.calls.map((c) => String(c[0]).length));
    const fileBytes = statSync(join(dir, SNAPSHOT_FILE)).size;
    expect(fileBytes).toBeGreaterThan(2_000_000);
    expect(longestWritten).toBeLessThan(100_000);
    expect(longestParsed).toBeLessThan(100_000);
  });

  it("refuses a truncated copy, counts that do not match, lines after the end and unknown records", () => {
    const dir = tempDir();
    compactState(dir, sampleState(["a", "b"]), 0, "t");
    const good = readFileSync(join(dir, SNAPSHOT_FILE), "utf8");
    const lines = good.split("\n").filter(Boolean);
    const cases: Array<[string, RegExp]> = [
      [lines.slice(0, -1).join("\n") + "\n", /no end record; the snapshot is truncated/],
      [good.slice(0, good.length - 5), /:6: the last line is cut off/],
      [[...lines.slice(0, -1), '{"t":"end","runs":1,"failures":2,"done":99}'].join("\n") + "\n", /end record counts 99 done, the snapshot holds 4/],
      [good + '{"t":"done","ids":["c"]}\n', /:7: a line after the end record/],
      [[lines[0], '{"t":"fingerprint","x":1}', ...lines.slice(1)].join("\n") + "\n", /:2: unknown record type "fingerprint"/],
      [good.replace('"version":2', '"version":99'), /version 99 is not supported/],
      ["", /truncated or corrupt/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, SNAPSHOT_FILE), text);
      expect(() => loadState(dir), String(message)).toThrow(message);
    }
  });
});

describe("snapshot version 1 (states saved by earlier releases)", () => {
  const v1 =
    JSON.stringify({
      format: "resumable-batch-state",
      version: 1,
      generation: 4,
      origin: { seq: 7, runId: "99", runAttempt: 2 },
      savedAt: "2026-01-01T00:00:00.000Z",
      runs: [
        {
          seq: 7,
          runId: "99",
          runAttempt: 2,
          mode: "run",
          startedAt: "s",
          endedAt: "e",
          succeeded: 2,
          failed: 1,
          stopReason: "complete",
          total: 3,
          remaining: 0,
        },
      ],
      failures: [{ id: "f", error: "bad", kind: "permanent", attempts: 1, firstFailedAt: "a", lastFailedAt: "b", item: { id: "f" } }],
      done: ["a", "b"],
    }) + "\n";

  it("still loads, and the next compaction rewrites it as version 2", () => {
    const dir = tempDir();
    writeFileSync(join(dir, SNAPSHOT_FILE), v1);
    writeFileSync(join(dir, journalFileName(4)), doneLine("c"));
    const loaded = loadState(dir);
    expect(loaded.generation).toBe(4);
    expect([...loaded.state.done].sort()).toEqual(["a", "b", "c"]);
    expect(loaded.state.failures.get("f")).toMatchObject({ runs: 1, item: { id: "f" } });
    expect(loaded.state.origin).toEqual({ seq: 7, runId: "99", runAttempt: 2 });
    compactState(dir, loaded.state, loaded.generation, "t");
    expect(snapshotLines(dir)[0]).toMatchObject({ t: "snapshot", version: 2, generation: 5 });
    expect([...loadState(dir).state.done].sort()).toEqual(["a", "b", "c"]);
  });

  it("is checked against the same schema: a failure without item is refused", () => {
    const dir = tempDir();
    writeFileSync(join(dir, SNAPSHOT_FILE), v1.replace(',"item":{"id":"f"}', ""));
    expect(() => loadState(dir)).toThrow(/'item' is missing/);
  });
});

describe("validation of loaded state (issue 12 §9)", () => {
  const start = (fields: Record<string, unknown>) =>
    JSON.stringify({ t: "start", seq: 1, runId: "r", runAttempt: 1, mode: "run", at: "t", ...fields }) + "\n";
  const fail = (fields: Record<string, unknown>) =>
    JSON.stringify({ t: "fail", id: "x", kind: "permanent", error: "e", attempts: 1, runs: 1, first: "a", last: "b", item: {}, ...fields }) + "\n";

  it.each([
    ["a start record without runId", start({ runId: undefined }), /'runId' must be a string/],
    ["a seq of 999,999,999", start({ seq: 999_999_999 }), /'seq' must be a whole number from 0 to 10000000/],
    ["a seq of 2^53", start({ seq: 2 ** 53 }), /'seq' must be a whole number/],
    ["a fractional attempt count", fail({ attempts: 1.5 }), /'attempts' must be a whole number/],
    ["a failure without item", fail({ item: undefined }), /'item' is missing/],
    ["an unknown failure kind", fail({ kind: "odd" }), /'kind' must be one of/],
    [
      "an unknown stop reason",
      JSON.stringify({ t: "end", seq: 1, at: "t", succeeded: 0, failed: 0, stopReason: "odd" }) + "\n",
      /'stopReason' must be one of/,
    ],
    ["an unknown record type", JSON.stringify({ t: "odd" }) + "\n", /unknown record type "odd"/],
  ])("refuses a journal with %s, naming the line", (_what, line, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFileName(0)), doneLine("a") + line + doneLine("b"));
    expect(() => loadState(dir)).toThrow(StateError);
    expect(() => loadState(dir)).toThrow(/journal-0\.jsonl:2: /);
    expect(() => loadState(dir)).toThrow(message);
  });

  it("refuses a snapshot whose origin seq is out of bounds", () => {
    const dir = tempDir();
    const state = sampleState(["a"]);
    state.origin = { seq: 999_999_999, runId: "x", runAttempt: 1 };
    compactState(dir, state, 0, "t");
    expect(() => loadState(dir)).toThrow(/snapshot.json:1: 'seq' must be a whole number from 0 to 10000000, not 999999999/);
  });

  it("ignores a torn last line even when what was torn off would not validate", () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFileName(0)), doneLine("a") + '{"t":"start","seq":1}');
    const loaded = loadState(dir);
    expect([...loaded.state.done]).toEqual(["a"]);
    expect(loaded.warnings[0]).toMatch(/:2: ignored a torn last line/);
  });
});

describe("error text cap", () => {
  it("keeps errors up to the cap as they are and shortens longer ones to their start and end", () => {
    expect(capErrorText("short")).toBe("short");
    const long = "HEAD " + "x".repeat(30_000) + " TAIL";
    const capped = capErrorText(long);
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(capped.startsWith("HEAD ")).toBe(true);
    expect(capped.endsWith(" TAIL")).toBe(true);
    expect(capped).toMatch(/bytes cut: errors keep 8192 bytes/);
    const cjk = "界".repeat(10_000); // 3 bytes each: cut between characters, never inside one
    expect(capErrorText(cjk)).not.toMatch(/\uFFFD/);
  });

  it("applies when a state is loaded, so an old state's huge errors are cut too", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, journalFileName(0)),
      recordLine({ t: "fail", id: "x", kind: "permanent", error: "e".repeat(40_000), attempts: 1, runs: 1, first: "a", last: "b", item: {} }),
    );
    expect(Buffer.byteLength(loadState(dir).state.failures.get("x")!.error)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
  });
});

describe("loading is read-only", () => {
  it("changes nothing in the folder, even an old journal the snapshot absorbed", () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    compactState(dir, loadState(dir).state, 0, "t");
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    writeFileSync(join(dir, journalFileName(1)), doneLine("b") + '{"t":"do');
    const before = readdirSync(dir)
      .sort()
      .map((n) => [n, readFileSync(join(dir, n), "utf8")]);
    loadState(dir);
    expect(
      readdirSync(dir)
        .sort()
        .map((n) => [n, readFileSync(join(dir, n), "utf8")]),
    ).toEqual(before);
  });

  it("stateExists tells a folder a run left from an empty or missing one", () => {
    const dir = tempDir();
    expect(stateExists(join(dir, "nope"))).toBe(false);
    expect(stateExists(dir)).toBe(false);
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    expect(stateExists(dir)).toBe(true);
  });
});

describe("failures.json", () => {
  it("is written a failure at a time, with the same bytes as one JSON.stringify of the whole", () => {
    const dir = tempDir();
    const state = sampleState([]);
    for (let i = 0; i < 300; i++)
      state.failures.set(`big${i}`, failure(`big${i}`, { item: { id: `big${i}`, blob: "b".repeat(2000), nested: { a: [1, { b: "\n" }] } } }));
    const expected = JSON.stringify(buildFailuresFile(state), null, 2) + "\n";
    const stringify = vi.spyOn(JSON, "stringify");
    writeFailuresFile(dir, state);
    expect(readFileSync(join(dir, "failures.json"), "utf8")).toBe(expected);
    const longest = Math.max(...stringify.mock.results.map((r) => (typeof r.value === "string" ? r.value.length : 0)));
    expect(longest).toBeLessThan(20_000);
    expect(expected.length).toBeGreaterThan(600_000);
    const empty = new BatchState();
    writeFailuresFile(dir, empty);
    expect(readFileSync(join(dir, "failures.json"), "utf8")).toBe(JSON.stringify(buildFailuresFile(empty), null, 2) + "\n");
  });
});

describe("done lines read from their bytes", () => {
  const withDoneLines = (dir: string, lines: string[]) => {
    compactState(dir, new BatchState(), 0, "t");
    const [header] = readFileSync(join(dir, SNAPSHOT_FILE), "utf8").split("\n");
    const count = lines.reduce((n, l) => n + (JSON.parse(l) as { ids: unknown[] }).ids.length, 0);
    writeFileSync(
      join(dir, SNAPSHOT_FILE),
      [header, ...lines, JSON.stringify({ t: "end", runs: 0, failures: 0, done: count, passes: 0, versions: 0 })].join("\n") + "\n",
    );
  };

  it("give what JSON.parse gives, in every form (plain, escaped, non-ASCII, single id)", () => {
    const dir = tempDir();
    const lines = ['{"t":"done","ids":["a","b-1","c,d","x\\"y","é","a\\\\b"]}', '{"t":"done","ids":["solo"]}', '{"t":"done","ids":["p","q"]}'];
    withDoneLines(dir, lines);
    const done = loadState(dir).state.done;
    const ids = lines.flatMap((l) => (JSON.parse(l) as { ids: string[] }).ids);
    expect([...done]).toEqual(ids);
    for (const id of [...ids, "a-longer-id-than-four-bytes"]) done.add(id); // found as strings: nothing added twice
    expect(done.size).toBe(ids.length + 1);
    expect(ids.every((id) => done.has(id)) && !done.has("p ") && !done.has("solo2")).toBe(true);
  });

  it("leave a line they cannot read plainly to JSON, which words the error", () => {
    const dir = tempDir();
    withDoneLines(dir, ['{"t":"done","ids":["a",""]}']);
    expect(() => loadState(dir)).toThrow(/:2: a done id must be a non-empty string/);
  });
});
