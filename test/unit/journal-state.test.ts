import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchState } from "../../src/core/state/batch-state.js";
import { StateError } from "../../src/core/platform/errors.js";
import { doneLine, recordLine, type FailRecord } from "../../src/core/state/journal-records.js";
import { JournalWriter } from "../../src/core/state/journal-writer.js";
import { compactState, journalFileName, loadState, replayJournalText, SNAPSHOT_FILE } from "../../src/core/state/state-store.js";
import { FakeSystem } from "../support/fake-system.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const tempDir = tempDirsPerTest("rb-state-");
const fail = (id: string, attempts: number, kind: FailRecord["kind"] = "permanent"): FailRecord => ({
  t: "fail",
  id,
  kind,
  error: `boom ${id}`,
  attempts,
  runs: 1,
  first: "2026-01-01T00:00:00.000Z",
  last: "2026-01-02T00:00:00.000Z",
  item: { id },
});
const start = (seq: number) => recordLine({ t: "start", seq, runId: `r${seq}`, runAttempt: 1, mode: "run", at: "2026-01-01T00:00:00.000Z" });

describe("replayJournalText", () => {
  it("applies done and fail records; done clears an earlier failure", () => {
    const state = new BatchState();
    const text = start(1) + recordLine(fail("a", 2)) + doneLine("b") + doneLine("a") + recordLine(fail("c", 1));
    const warnings: string[] = [];
    expect(replayJournalText(text, state, "j", warnings)).toBe(5);
    expect([...state.done].sort()).toEqual(["a", "b"]);
    expect([...state.failures.keys()]).toEqual(["c"]);
    expect(warnings).toEqual([]);
    expect(state.runs[0]).toMatchObject({ seq: 1, succeeded: 2, failed: 2 });
  });

  it("ignores a torn last line with a warning, never fatally", () => {
    const state = new BatchState();
    const text = doneLine("a") + doneLine("b") + '{"t":"done","id":"c';
    const warnings: string[] = [];
    replayJournalText(text, state, "journal-0.jsonl", warnings);
    expect([...state.done]).toEqual(["a", "b"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/journal-0.jsonl:3: ignored a torn last line/);
  });

  it("skips a corrupt line in the middle and keeps the rest", () => {
    const state = new BatchState();
    const warnings: string[] = [];
    replayJournalText(doneLine("a") + "garbage\n" + "[1,2]\n" + doneLine("b"), state, "j", warnings);
    expect([...state.done]).toEqual(["a", "b"]);
    expect(warnings[0]).toMatch(/skipped 2 unreadable line\(s\): 2, 3/);
  });

  it("is idempotent: replaying the same records twice gives the same state", () => {
    const text =
      start(1) +
      doneLine("a") +
      recordLine(fail("b", 3)) +
      recordLine({ t: "end", seq: 1, at: "x", succeeded: 1, failed: 1, stopReason: "complete" });
    const once = new BatchState();
    replayJournalText(text, once, "j", []);
    const twice = new BatchState();
    replayJournalText(text + text, twice, "j", []);
    expect([...twice.done]).toEqual([...once.done]);
    expect([...twice.failures.values()]).toEqual([...once.failures.values()]);
    expect(twice.runs).toEqual(once.runs);
  });
});

describe("loadState and compactState", () => {
  it("round-trips a state through a snapshot and keeps appending in the next generation", () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFileName(0)), start(1) + doneLine("a") + recordLine(fail("b", 2)));
    const first = loadState(dir);
    expect(first.generation).toBe(0);
    const gen = compactState(dir, first.state, first.generation, "2026-01-01T00:00:00.000Z");
    expect(gen).toBe(1);
    expect(existsSync(join(dir, journalFileName(0)))).toBe(false);
    writeFileSync(join(dir, journalFileName(1)), doneLine("c"));
    const second = loadState(dir);
    expect(second.generation).toBe(1);
    expect([...second.state.done].sort()).toEqual(["a", "c"]);
    expect(second.state.failures.get("b")).toMatchObject({ attempts: 2, kind: "permanent", item: { id: "b" } });
    expect(second.state.origin.seq).toBe(1);
  });

  it("ignores a journal already absorbed by the snapshot (a crash after compaction); the next compaction deletes it", () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    const s = loadState(dir);
    compactState(dir, s.state, 0, "t");
    writeFileSync(join(dir, journalFileName(0)), doneLine("a") + doneLine("zzz-stale"));
    const again = loadState(dir);
    expect(again.state.done.has("zzz-stale")).toBe(false);
    expect(readdirSync(dir)).toContain(journalFileName(0)); // loading changes nothing
    compactState(dir, again.state, again.generation, "t");
    expect(readdirSync(dir).filter((n) => n.startsWith("journal-"))).toEqual([]);
  });

  it("rejects a truncated snapshot, a wrong version and a journal newer than the snapshot", () => {
    const dir = tempDir();
    writeFileSync(join(dir, journalFileName(0)), doneLine("a"));
    compactState(dir, loadState(dir).state, 0, "t");
    const good = readFileSync(join(dir, SNAPSHOT_FILE), "utf8");
    writeFileSync(join(dir, SNAPSHOT_FILE), good.slice(0, good.length / 2));
    expect(() => loadState(dir)).toThrow(StateError);
    writeFileSync(join(dir, SNAPSHOT_FILE), good.replace('"version":2', '"version":99'));
    expect(() => loadState(dir)).toThrow(/version 99 is not supported/);
    writeFileSync(join(dir, SNAPSHOT_FILE), good);
    writeFileSync(join(dir, journalFileName(7)), doneLine("b"));
    expect(() => loadState(dir)).toThrow(/journal generation 7 is newer/);
  });

  it("rejects a snapshot whose records have the wrong types", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, SNAPSHOT_FILE),
      JSON.stringify({
        format: "resumable-batch-state",
        version: 1,
        generation: 1,
        origin: { seq: 1, runId: "x", runAttempt: 1 },
        runs: [],
        failures: [],
        done: [1, 2],
      }),
    );
    expect(() => loadState(dir)).toThrow(/done id must be a non-empty string/);
    writeFileSync(join(dir, SNAPSHOT_FILE), JSON.stringify({ format: "something-else" }));
    expect(() => loadState(dir)).toThrow(/not a resumable-batch state snapshot/);
  });

  it("loads a missing folder as an empty state", () => {
    const s = loadState(join(tempDir(), "nope"));
    expect(s.state.done.size).toBe(0);
    expect(s.generation).toBe(0);
  });
});

describe("JournalWriter", () => {
  it("buffers appends and writes them within the flush interval", async () => {
    const dir = tempDir();
    const path = join(dir, "journal-0.jsonl");
    const system = new FakeSystem();
    const w = new JournalWriter(path, system, 200);
    w.append(doneLine("a"));
    w.append(doneLine("b"));
    expect(existsSync(path)).toBe(false);
    expect(system.pendingTimers).toBe(1);
    await system.advance(199);
    expect(existsSync(path)).toBe(false);
    await system.advance(1);
    expect(readFileSync(path, "utf8")).toBe(doneLine("a") + doneLine("b"));
    w.append(doneLine("c"));
    w.close();
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(3);
  });

  it("flushes at once when the buffer grows large, bounding memory", () => {
    const dir = tempDir();
    const path = join(dir, "j.jsonl");
    const w = new JournalWriter(path, new FakeSystem(), 60_000, 1000);
    for (let i = 0; i < 100; i++) w.append(doneLine(`item-${i}`));
    expect(readFileSync(path, "utf8").length).toBeGreaterThan(1000);
    w.close();
  });

  it("writes every line whole and in order: non-ASCII, lines larger than its buffer, and mixes of both", () => {
    const dir = tempDir();
    const path = join(dir, "j.jsonl");
    const w = new JournalWriter(path, new FakeSystem(), 60_000, 100);
    const lines = [doneLine("é🎉"), doneLine("x".repeat(5000)), doneLine("a"), doneLine("ü".repeat(70)), doneLine("\ud800 lone"), doneLine("b")];
    for (const line of lines) w.append(line);
    w.close();
    expect(readFileSync(path, "utf8")).toBe(lines.join("").replace("\ud800", "\ufffd"));
    expect(w.bytesWritten).toBe(Buffer.byteLength(lines.join("")));
  });

  it("starts on a new line after a torn last line, so the next run's first record is not lost", () => {
    const dir = tempDir();
    const path = join(dir, journalFileName(0));
    writeFileSync(path, start(1) + doneLine("a") + '{"t":"done","id":"tor');
    const w = new JournalWriter(path, new FakeSystem(), 200);
    w.append(start(2));
    w.append(doneLine("b"));
    w.close();
    const loaded = loadState(dir);
    expect([...loaded.state.done].sort()).toEqual(["a", "b"]);
    expect(loaded.state.runs.map((r) => r.seq)).toEqual([1, 2]);
    expect(loaded.state.origin.seq).toBe(2);
    expect(loaded.warnings).toEqual([expect.stringMatching(/skipped 1 unreadable line\(s\): 3$/)]);
  });
});
