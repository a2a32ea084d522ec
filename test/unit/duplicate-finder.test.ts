import { describe, expect, it } from "vitest";
import { DuplicateFinder } from "../../src/core/input/duplicate-finder.js";
import { hashId } from "../../src/core/input/hash-id.js";

describe("DuplicateFinder", () => {
  it("groups every repeated id with its earlier occurrences, across many growths", () => {
    const finder = new DuplicateFinder();
    const ids: string[] = [];
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 50_000; i++) {
      const id = `id-${Math.floor(random() * 30_000)}`; // about 40% repeat an earlier id
      ids.push(id);
      finder.add(id);
    }
    const expected = new Map<string, number[]>();
    ids.forEach((id, n) => expected.set(id, [...(expected.get(id) ?? []), n]));
    const groups = finder.candidateGroups();
    // Each group is one id's occurrences, in order; no group mixes ids (64 bits of hash).
    const got = new Map(groups.map((g) => [ids[g[0]!]!, g]));
    expect(groups.every((g) => g.every((n) => ids[n] === ids[g[0]!]))).toBe(true);
    expect(got).toEqual(new Map([...expected].filter(([, ns]) => ns.length > 1)));
  });

  it("ids whose first hashes collide are not grouped when their second hashes differ", () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const id = `x${i}`;
      const other = seen.get(hashId(id));
      if (other !== undefined) pair = [other, id];
      else seen.set(hashId(id), id);
    }
    const finder = new DuplicateFinder();
    finder.add(pair[0]);
    finder.add(pair[1]);
    finder.add(pair[1]);
    expect(finder.candidateGroups()).toEqual([[1, 2]]);
  });

  it("no ids, one id, all the same id", () => {
    expect(new DuplicateFinder().candidateGroups()).toEqual([]);
    const one = new DuplicateFinder();
    one.add("a");
    expect(one.candidateGroups()).toEqual([]);
    const same = new DuplicateFinder();
    for (let i = 0; i < 5000; i++) same.add("a");
    expect(same.candidateGroups()).toEqual([Array.from({ length: 5000 }, (_, i) => i)]);
  });
});
