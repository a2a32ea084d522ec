import { describe, expect, it } from "vitest";
import { hashId } from "../../src/core/hash-id.js";
import { IdIndex } from "../../src/core/id-index.js";

describe("IdIndex", () => {
  it("agrees with a Map on 50k ids with duplicates, across many growths", () => {
    const index = new IdIndex();
    const reference = new Map<string, number>();
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let line = 1; line <= 50_000; line++) {
      const id = `id-${Math.floor(random() * 30_000)}`; // about 40% of lines repeat an id
      const expected = reference.get(id) ?? -1;
      if (expected === -1) reference.set(id, line);
      expect(index.addFirst(id, line)).toBe(expected);
    }
    expect(index.size).toBe(reference.size);
  });

  it("tells apart different ids whose hashes are equal", () => {
    // Find two ids with the same 32-bit hash (a birthday search over a few hundred thousand).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const id = `x${i}`;
      const h = hashId(id);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, id];
      else seen.set(h, id);
    }
    const index = new IdIndex();
    expect(index.addFirst(pair[0], 1)).toBe(-1);
    expect(index.addFirst(pair[1], 2)).toBe(-1);
    expect(index.addFirst(pair[1], 3)).toBe(2);
    expect(index.addFirst(pair[0], 4)).toBe(1);
  });

  it("keeps ids that differ only beyond the common prefix or in case, and the empty-looking ones", () => {
    const index = new IdIndex();
    const ids = ["a", "A", "a ", " a", "é", "e\u0301", "😀", "a".repeat(1000), "a".repeat(1001)];
    ids.forEach((id, i) => expect(index.addFirst(id, i + 1)).toBe(-1));
    ids.forEach((id, i) => expect(index.addFirst(id, 100)).toBe(i + 1));
  });
});
