import { describe, expect, it } from "vitest";
import { batchedNext, runPool } from "../../src/core/run/pool.js";

const tick = () => new Promise((r) => setImmediate(r));

async function* batches<T>(groups: T[][]): AsyncGenerator<T[]> {
  for (const g of groups) {
    await tick();
    yield g;
  }
}

describe("runPool", () => {
  it("never runs more than `concurrency` at once, and runs every item once", async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool({
      next: batchedNext<number>(batches([items.slice(0, 7), items.slice(7, 8), items.slice(8)])),
      concurrency: 4,
      canStart: () => true,
      work: async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await tick();
        seen.push(i);
        inFlight--;
      },
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(items);
  });

  it("asks canStart before pulling each item, so a stop takes effect at once", async () => {
    let started = 0;
    let pulled = 0;
    const next = batchedNext(batches([Array.from({ length: 100 }, (_, i) => i)]));
    await runPool({
      next: async () => {
        pulled++;
        return next();
      },
      concurrency: 3,
      canStart: () => started < 10,
      work: async () => {
        started++;
        await tick();
      },
    });
    expect(started).toBe(10);
    expect(pulled).toBe(10);
  });

  it("stops a lane when beforeStart resolves false", async () => {
    let ran = 0;
    let allowed = 5;
    await runPool({
      next: batchedNext(batches([Array.from({ length: 20 }, (_, i) => i)])),
      concurrency: 2,
      canStart: () => true,
      beforeStart: async () => allowed-- > 0,
      work: async () => {
        ran++;
      },
    });
    expect(ran).toBe(5);
  });
});

describe("runPool's after", () => {
  it("gets each item's result on the lane that ran it, before that lane takes another item", async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const running = new Map<number, number>(); // lane -> its item in flight
    const after: Array<[number, string]> = [];
    await runPool<number, string>({
      next: batchedNext<number>(batches([items.slice(0, 5), items.slice(5)])),
      concurrency: 3,
      canStart: () => true,
      work: async (i, lane) => {
        expect(running.has(lane)).toBe(false); // the lane's previous item was told to after first
        running.set(lane, i);
        await tick();
        return `r${i}`;
      },
      after: (i, result, lane) => {
        expect(running.get(lane)).toBe(i);
        running.delete(lane);
        after.push([i, result]);
      },
    });
    expect(after.sort((a, b) => a[0] - b[0])).toEqual(items.map((i) => [i, `r${i}`]));
    expect(running.size).toBe(0);
  });
});

describe("batchedNext", () => {
  it("gives concurrent callers distinct items across batch boundaries", async () => {
    const next = batchedNext(batches([[1, 2], [3], [], [4, 5, 6]]));
    const got = await Promise.all(Array.from({ length: 8 }, () => next()));
    expect(got.filter((x) => x !== undefined).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(got.filter((x) => x === undefined)).toHaveLength(2);
  });
});
