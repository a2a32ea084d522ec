import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/core/input/shard.js";

describe("shardOf", () => {
  it("puts every item in exactly one shard, for random ids and shard counts", () => {
    for (let trial = 0; trial < 20; trial++) {
      const count = 1 + (randomBytes(1)[0]! % 32);
      const ids = Array.from({ length: 2000 }, () => randomBytes(1 + (randomBytes(1)[0]! % 24)).toString("base64url"));
      const owners = ids.map((id) => Array.from({ length: count }, (_, i) => i + 1).filter((shard) => shardOf(id, count) === shard));
      expect(owners.every((o) => o.length === 1)).toBe(true);
      expect(ids.every((id) => shardOf(id, count) >= 1 && shardOf(id, count) <= count)).toBe(true);
    }
  });

  it("depends on the id alone: stable as the list grows, shrinks or is reordered", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
    const before = new Map(ids.map((id) => [id, shardOf(id, 8)]));
    const after = [...ids.slice(500), "new-1", "new-2"].reverse();
    for (const id of after) if (before.has(id)) expect(shardOf(id, 8)).toBe(before.get(id));
  });

  it("spreads sequential ids evenly", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 80_000; i++) counts[shardOf(`order-${i}`, 8) - 1]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });
});
