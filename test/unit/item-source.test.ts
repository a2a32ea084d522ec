import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchState } from "../../src/core/state/batch-state.js";
import { formatForPath, readSource, type ItemsFormat, type SourceEntry } from "../../src/core/input/item-source.js";
import { firstOccurrences, planSource } from "../../src/core/input/plan.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const sourceDir = tempDirsPerTest("rb-src-");

function file(name: string, content: string | Buffer): string {
  const path = join(sourceDir(), name);
  writeFileSync(path, content);
  return path;
}

async function entries(path: string, format: ItemsFormat, idField = "id"): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const batch of readSource({ path, label: path, format, idField })) out.push(...batch);
  return out;
}

describe("formatForPath", () => {
  it("follows the extension", () => {
    expect(["a.jsonl", "a.NDJSON", "a.json", "a.csv", "a.txt", "list"].map(formatForPath)).toEqual([
      "jsonl",
      "jsonl",
      "json",
      "csv",
      "lines",
      "lines",
    ]);
  });
});

describe("readSource", () => {
  it("reads JSON Lines with line numbers, skipping blank lines, numeric ids as strings", async () => {
    const got = await entries(file("a.jsonl", '{"id":"a"}\n\n{"id":2,"x":[1]}\r\n'), "jsonl");
    expect(got.map((e) => e.item && [e.item.id, e.item.line])).toEqual([
      ["a", 1],
      ["2", 3],
    ]);
  });

  it("reports malformed JSON, a missing id and a non-object with their lines", async () => {
    const got = await entries(file("a.jsonl", '{"id":"a"}\n{"id": nope}\n{"name":"x"}\n[1,2]\n{"id":""}\n'), "jsonl");
    const problems = got.filter((e) => e.problem).map((e) => [e.problem!.line, e.problem!.message]);
    expect(problems.map((p) => p[0])).toEqual([2, 3, 4, 5]);
    expect(problems[0]![1]).toMatch(/not valid JSON/);
    expect(problems[1]![1]).toMatch(/no 'id' field .*--id-field/);
    expect(problems[2]![1]).toMatch(/must be a JSON object/);
    expect(problems[3]![1]).toMatch(/non-empty string or a number, not an empty string/);
  });

  it("reads nested id fields with dots", async () => {
    const got = await entries(file("a.jsonl", '{"user":{"id":"u1"}}\n'), "jsonl", "user.id");
    expect(got[0]!.item!.id).toBe("u1");
  });

  it("pins invalid UTF-8 to its line", async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"a"}\n{"id":"b'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const got = await entries(file("a.jsonl", bytes), "jsonl");
    expect(got.find((e) => e.problem)!.problem).toEqual({ line: 2, message: "not valid UTF-8 (re-encode the file as UTF-8)" });
  });

  it("splits a JSON array, pretty-printed over lines, keeping each element's line", async () => {
    const text = '[\n  {"id": "a", "s": "x,]}"},\n  {\n    "id": "b",\n    "nested": [1, {"k": "]"}]\n  }\n]\n';
    const got = await entries(file("a.json", text), "json");
    expect(got.map((e) => [e.item!.id, e.item!.line])).toEqual([
      ["a", 2],
      ["b", 3],
    ]);
    expect(got[1]!.item!.data).toEqual({ id: "b", nested: [1, { k: "]" }] });
  });

  it("reports a JSON file that is not an array, or is truncated", async () => {
    expect((await entries(file("a.json", '{"id":"a"}'), "json"))[0]!.problem!.message).toMatch(/expected a JSON array/);
    const truncated = await entries(file("b.json", '[{"id":"a"},\n{"id":"b"'), "json");
    expect(truncated.at(-1)!.problem!.message).toMatch(/not closed/);
    expect(await entries(file("c.json", "[]"), "json")).toEqual([]);
  });

  it("parses CSV with a header, quoted commas and newlines, with record line numbers", async () => {
    const text = 'id,name,note\n1,"Smith, Jo","line one\nline two"\n2,Ann,plain\n';
    const got = await entries(file("a.csv", text), "csv");
    expect(got.map((e) => e.item!.id)).toEqual(["1", "2"]);
    expect(got[0]!.item!.data).toEqual({ id: "1", name: "Smith, Jo", note: "line one\nline two" });
    expect(got[1]!.item!.line).toBe(4);
  });

  it("says which columns a CSV has when the id column is missing", async () => {
    const got = await entries(file("a.csv", "key,name\n1,a\n"), "csv");
    expect(got[0]!.problem!.message).toMatch(/no 'id' column in the header \(columns: key, name\)/);
  });

  it("reports a CSV row with the wrong number of fields", async () => {
    const got = await entries(file("a.csv", "id,name\n1,a\n2,b,extra\n"), "csv");
    expect(got.at(-1)!.problem!.message).toMatch(/CSV/);
  });

  it("reads plain lines: each line is the id", async () => {
    const got = await entries(file("a.txt", "alpha\n\nbeta gamma\n  \n"), "lines");
    expect(got.map((e) => e.item!.id)).toEqual(["alpha", "beta gamma"]);
  });

  it("streams a 10 MB single-line item", async () => {
    const big = JSON.stringify({ id: "big", blob: "x".repeat(10 * 1024 * 1024) });
    const got = await entries(file("a.jsonl", `{"id":"small"}\n${big}\n{"id":"after"}\n`), "jsonl");
    expect(got.map((e) => e.item!.id)).toEqual(["small", "big", "after"]);
    expect(got[2]!.item!.line).toBe(3);
  });

  it("reads a line spanning many read chunks byte for byte (each chunk's bytes kept, not the reused buffer's)", async () => {
    const blob = Array.from({ length: 60_000 }, (_, i) => i.toString(36)).join("-"); // ~250 KiB, no chunk like another
    const got = await entries(file("a.jsonl", `{"id":"small"}\n${JSON.stringify({ id: "long", blob })}\n{"id":"after"}\n`), "jsonl");
    expect(got.map((e) => e.item!.id)).toEqual(["small", "long", "after"]);
    expect((got[1]!.item!.data as { blob: string }).blob).toBe(blob);
  });
});

const KEEP_ALL = { sourceBytes: 0, maxBytes: 1 };

describe("planSource", () => {
  it("keeps the pending items of a source larger than the budget when they are few (a resume), not when they are many", async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `item-${String(i).padStart(5, "0")}`);
    const path = file("long.txt", ids.join("\n") + "\n");
    const sourceBytes = ids.length * 11;
    const budget = { sourceBytes, maxBytes: sourceBytes / 10 };
    const state = new BatchState();
    for (const id of ids.slice(0, 2900)) state.done.add(id);
    const resumed = await planSource({ path, label: "f", format: "lines", idField: "id" }, state, () => true, budget);
    expect(resumed.pending).toBe(100);
    expect(resumed.items!.map((i) => i.id)).toEqual(ids.slice(2900));
    const fresh = await planSource({ path, label: "f", format: "lines", idField: "id" }, new BatchState(), () => true, budget);
    expect(fresh.pending).toBe(3000);
    expect(fresh.items).toBeUndefined();
  });

  it("rejects input with problems before any work, listing file:line", async () => {
    const path = file("a.jsonl", '{"id":"a"}\n{oops\n{"x":1}\n');
    await expect(planSource({ path, label: "items.jsonl", format: "jsonl", idField: "id" }, new BatchState())).rejects.toThrow(
      /2 problem\(s\) in the items; nothing was processed[\s\S]*items.jsonl:2: not valid JSON[\s\S]*items.jsonl:3: no 'id' field/,
    );
  });

  it("warns about duplicate ids with both lines and counts each id once", async () => {
    const path = file("a.jsonl", '{"id":"a"}\n{"id":"b"}\n{"id":"a"}\n');
    const plan = await planSource({ path, label: "f", format: "jsonl", idField: "id" }, new BatchState());
    expect(plan.total).toBe(2);
    expect([...plan.duplicateLines]).toEqual([3]);
    expect(plan.warnings[0]).toMatch(/f:3: id "a" already on line 1/);
  });

  it("JSON array elements sharing a line: the first occurrence is kept, on both paths", async () => {
    const path = file("a.json", '[{"id":"a","n":1},{"id":"a","n":2},{"id":"b"}]\n');
    const spec = { path, label: "f", format: "json" as const, idField: "id" };
    const plan = await planSource(spec, new BatchState(), () => true, KEEP_ALL);
    expect(plan).toMatchObject({ total: 2, pending: 2 });
    expect(plan.items!.map((i) => i.data)).toEqual([{ id: "a", n: 1 }, { id: "b" }]);
    // The run's second pass (sources too large to keep) filters by id the same way.
    const reread: unknown[] = [];
    for await (const batch of readSource(spec))
      reread.push(
        ...batch
          .flatMap((e) => (e.item ? [e.item] : []))
          .filter(firstOccurrences(plan.duplicateIds))
          .map((i) => i.data),
      );
    expect(reread).toEqual(plan.items!.map((i) => i.data));
  });

  it("duplicates: counts taken off by what the repeated id is (done, held, other shard), many repeats", async () => {
    const state = new BatchState();
    state.done.add("done-1");
    state.failures.set("held-1", {
      id: "held-1",
      error: "x",
      kind: "permanent",
      attempts: 1,
      runs: 1,
      firstFailedAt: "",
      lastFailedAt: "",
      item: null,
    });
    const ids = ["done-1", "held-1", "other-1", "p-1", "p-2", "done-1", "p-1", "other-1", "held-1", "p-1", "p-3"];
    const path = file("a.txt", ids.join("\n") + "\n");
    const plan = await planSource({ path, label: "f", format: "lines", idField: "id" }, state, (id) => !id.startsWith("other"), KEEP_ALL);
    expect(plan).toMatchObject({ total: 5, alreadyDone: 1, heldFailed: 1, pending: 3 });
    expect([...plan.duplicateLines].sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10]);
    expect(plan.items!.map((i) => [i.id, i.line])).toEqual([
      ["p-1", 4],
      ["p-2", 5],
      ["p-3", 11],
    ]);
    expect(plan.warnings[0]).toMatch(/^5 duplicate id\(s\) skipped[\s\S]*f:6: id "done-1" already on line 1[\s\S]*f:10: id "p-1" already on line 4/);
  });

  it("counts what is done, held (permanent) and pending", async () => {
    const state = new BatchState();
    state.done.add("a");
    state.failures.set("b", { id: "b", error: "x", kind: "permanent", attempts: 1, runs: 1, firstFailedAt: "", lastFailedAt: "", item: null });
    state.failures.set("c", { id: "c", error: "x", kind: "transient", attempts: 1, runs: 1, firstFailedAt: "", lastFailedAt: "", item: null });
    const path = file("a.txt", "a\nb\nc\nd\n");
    const plan = await planSource({ path, label: "f", format: "lines", idField: "id" }, state);
    expect(plan).toMatchObject({ total: 4, alreadyDone: 1, heldFailed: 1, pending: 2 });
  });
});
