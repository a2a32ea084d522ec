import { describe, expect, it } from "vitest";
import { DoneSet } from "../../src/core/state/done-set.js";
import { IdList } from "../../src/core/state/id-list.js";

describe("DoneSet", () => {
  it("behaves as a Set<string> through growth, deletes and re-adds (checked against a Set)", () => {
    const ours = new DoneSet();
    const reference = new Set<string>();
    let seed = 7;
    const random = () => ((seed = Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let step = 0; step < 50_000; step++) {
      const pick = random();
      const id = `id-${Math.floor(random() * 5000)}${pick < 0.1 ? "é🎉" : pick < 0.13 ? "\ud800" : pick < 0.16 ? "\udc00" : ""}`;
      const r = random();
      if (r < 0.6) {
        ours.add(id);
        reference.add(id);
      } else if (r < 0.8) {
        expect(ours.delete(id)).toBe(reference.delete(id));
      } else {
        expect(ours.has(id)).toBe(reference.has(id));
      }
    }
    expect(ours.size).toBe(reference.size);
    // Insertion order, as a Set keeps it (ids with a lone surrogate, kept apart, come last).
    const wellFormed = (id: string) => !/[\ud800-\udfff]/.test(id) || id.includes("🎉");
    expect([...ours]).toEqual([...[...reference].filter(wellFormed), ...[...reference].filter((id) => !wellFormed(id))]);
  });

  it("keeps insertion order across a rehash and takes empty and odd strings", () => {
    const ids = ["", "b", "a", "\u0000", "x".repeat(1000), ...Array.from({ length: 100 }, (_, i) => `n${i}`)];
    const set = new DoneSet(ids);
    set.add("a");
    expect([...set]).toEqual(ids);
    expect(set.has("")).toBe(true);
    expect(set.has("c")).toBe(false);
  });

  it("tells apart ids that UTF-8 would make equal, and keeps ids larger than a storage chunk", () => {
    const set = new DoneSet(["x\ud800", "x\ufffd", "ä", "a\u0308"]);
    expect(set.has("x\udc00")).toBe(false);
    expect(set.has("x\ud800") && set.has("x\ufffd") && set.has("ä") && set.has("a\u0308")).toBe(true);
    const big = "é".repeat(5_000_000); // 10 MB of UTF-8: more than one chunk
    set.add(big).add("after");
    expect(set.has(big) && set.has("after")).toBe(true);
    expect(set.has(big.slice(1) + "e")).toBe(false);
    expect([...set].map((id) => id.length)).toEqual([2, 1, 2, 5_000_000, 5, 2]); // the lone surrogate one last
  });

  it("reserve sizes the table once; what was added stays", () => {
    const set = new DoneSet(["a"]);
    set.reserve(100_000);
    for (let i = 0; i < 100_000; i++) set.add(`i${i}`);
    expect(set.size).toBe(100_001);
    expect(set.has("a") && set.has("i99999")).toBe(true);
    set.clear();
    expect([set.size, set.has("a"), [...set]]).toEqual([0, false, []]);
    set.add("b");
    expect([...set]).toEqual(["b"]);
  });

  it("addUtf8Block adds the ids inside a block, once each, found and deleted like any other", () => {
    const set = new DoneSet(["x"]);
    const text = '["x","long-id-' + "z".repeat(40) + '","b","x","b"]';
    const bytes = Buffer.from(`junk${text}junk`);
    const bounds: number[] = [];
    for (const m of text.matchAll(/"([^"]*)"/g)) bounds.push(4 + m.index + 1, 4 + m.index + 1 + m[1]!.length);
    set.addUtf8Block(bytes, 4 + 2, 4 + text.length - 2, Uint32Array.from(bounds), bounds.length / 2);
    bytes.fill(0); // the set keeps its own copy
    expect([...set]).toEqual(["x", `long-id-${"z".repeat(40)}`, "b"]);
    expect(set.delete("b") && !set.has("b") && set.has(`long-id-${"z".repeat(40)}`)).toBe(true);
    set.add("b");
    expect([...set]).toEqual(["x", `long-id-${"z".repeat(40)}`, "b"]);
  });
});

describe("IdList", () => {
  it("gives back what was pushed, in order, ASCII or not; clear empties it", () => {
    const list = new IdList();
    const ids = ["a", "é", "", "x\ud800", "b".repeat(5_000_000), ...Array.from({ length: 3000 }, (_, i) => `id-${i}`)];
    for (const id of ids) list.push(id);
    expect(list.length).toBe(ids.length);
    expect([...list]).toEqual(ids);
    list.clear();
    expect([list.length, [...list]]).toEqual([0, []]);
    list.push("again");
    expect([...list]).toEqual(["again"]);
  });

  it("reads back ids pushed while it is being read, ids across a new chunk, and ASCII after a half-copied non-ASCII id", () => {
    const list = new IdList();
    const ids: string[] = [];
    const push = (id: string) => {
      list.push(id);
      ids.push(id);
    };
    for (let i = 0; i < 10; i++) push(i === 4 ? "abcé-not-ascii" : `first-${i}`);
    const read: string[] = [];
    for (const id of list) {
      read.push(id);
      // Pushed mid-read: joined, not yet copied into the chunk the loop reads from.
      if (read.length <= 5) push(`during-${read.length}`);
    }
    expect(read).toEqual(ids);
    // Enough short ids to fill the first 4 MiB chunk and go on in a new one.
    for (let i = 0; i < 400_000; i++) push(`id-${String(i).padStart(8, "0")}`);
    expect(list.length).toBe(ids.length);
    expect([...list]).toEqual(ids);
  });
});
