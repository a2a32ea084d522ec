import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exactJson } from "../../src/core/input/exact-json.js";
import { numberTextAt } from "../../src/core/input/json-source-text.js";
import { readSource, type ItemsFormat, type SourceEntry } from "../../src/core/input/item-source.js";
import { planSource } from "../../src/core/input/plan.js";
import { BatchState } from "../../src/core/state/batch-state.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rb-numbers-"));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
async function entries(path: string, format: ItemsFormat, idField = "id"): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const batch of readSource({ path, label: path, format, idField })) out.push(...batch);
  return out;
}

describe("numberTextAt", () => {
  it("finds a number's source text by key, nested keys, past strings and values that look alike", () => {
    expect(numberTextAt('{"id":9007199254740993}', ["id"])).toBe("9007199254740993");
    expect(numberTextAt('{ "x" : "\\"id\\":1", "n": [1, {"id": 2}], "id" : -1.50e+3 }', ["id"])).toBe("-1.50e+3");
    expect(numberTextAt('{"a":{"b":{"id":12345678901234567890}},"id":"s"}', ["a", "b", "id"])).toBe("12345678901234567890");
    expect(numberTextAt('{"id":1,"id":2}', ["id"])).toBe("2"); // JSON.parse keeps the last
    expect(numberTextAt('{"id":"text"}', ["id"])).toBeUndefined();
    expect(numberTextAt('{"other":1}', ["id"])).toBeUndefined();
  });
});

describe("large numbers in the items", () => {
  it("a numeric id keeps its digits: ids that round to one double stay two items", async () => {
    const path = file("items.jsonl", '{"id":9007199254740993}\n{"id":9007199254740992}\n{"id":1.0}\n{"id":7}\n');
    const got = await entries(path, "jsonl");
    expect(got.map((e) => e.item!.id)).toEqual(["9007199254740993", "9007199254740992", "1.0", "7"]);
    const plan = await planSource({ path, label: path, format: "jsonl", idField: "id" }, new BatchState(), () => true, {
      sourceBytes: 0,
      maxBytes: 1 << 20,
    });
    expect(plan.total).toBe(4);
    expect(plan.warnings).toEqual([]);
  });

  it("each JSON item keeps its text as written, for commands and workers (JSON Lines and array elements)", async () => {
    const line = '{"id":"a", "amount": 12345678901234567890, "ratio": 1.10}';
    expect((await entries(file("items.jsonl", line + "\n"), "jsonl"))[0]!.item!.raw).toBe(line);
    const array = '[\n  {"id": 9007199254740993,\n   "n": 12345678901234567890},\n  {"id":"b"}\n]\n';
    const items = (await entries(file("items.json", array), "json")).map((e) => e.item!);
    expect(items.map((i) => i.id)).toEqual(["9007199254740993", "b"]);
    expect(JSON.parse(items[0]!.raw!.replace(/12345678901234567890/, '"big"'))).toEqual({ id: 9007199254740992, n: "big" });
    expect(items[0]!.raw).toContain("12345678901234567890");
  });
});

describe("which items hand out their text as written (exactJson)", () => {
  it("keeps it wherever a number would be written back otherwise, after a colon, comma or bracket and any JSON space", async () => {
    const kept = ['{"id":"a","n":1.0}', '{"id":"a","n":[1,2e3]}', '{"id":"a","n":[ -0 ]}', '{"id":"a","n":\t-0.0}', '{"id":"a","n" :\r 1E5}'];
    kept.push('{"id":"a","n":12345678901234567}', '{"id":"a","o":{"m":{"n":1.5}}}', '{"id":"a", "n": 10.25}');
    const notKept = ['{"id":"a","n":1}', '{"id":"item-0000001","n":-12,"url":"https://example.com/items/1"}', '{"id":"a","n":123456789012345}'];
    const path = file("items.jsonl", [...kept, ...notKept].join("\n") + "\n");
    const raws = (await entries(path, "jsonl")).map((e) => (e.item ? exactJson(e.item) : "no item"));
    expect(raws).toEqual([...kept, ...notKept.map(() => undefined)]);
  });
});

describe("items the first pass keeps for the run", () => {
  it("hold their source text only where exactJson needs it (memory: the text of every kept item doubled them)", async () => {
    const path = file("items.jsonl", '{"id":"a","n":1}\n{"id":"b","n":1.0}\n');
    const plan = await planSource({ path, label: path, format: "jsonl", idField: "id" }, new BatchState(), () => true, {
      sourceBytes: 40,
      maxBytes: 1 << 20,
    });
    expect(plan.items?.map((item) => [item.id, item.raw])).toEqual([
      ["a", undefined],
      ["b", '{"id":"b","n":1.0}'],
    ]);
  });
});
