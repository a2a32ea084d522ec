import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWorkQueue } from "../../src/core/run/work-queue.js";
import { BatchState } from "../../src/core/state/batch-state.js";

const log = { info() {}, warn() {}, error() {} };

function source(ids: string[]) {
  const path = join(mkdtempSync(join(tmpdir(), "rb-queue-")), "items.txt");
  writeFileSync(path, ids.join("\n") + "\n");
  return { path, label: "items.txt", format: "lines" as const, idField: "id" };
}

describe("openWorkQueue over a source larger than the retain budget", () => {
  it("reads the source once when everything is done (a resume that finds nothing to do)", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `item-${i}`);
    const spec = source(ids);
    const state = new BatchState();
    for (const id of ids) state.done.add(id);
    const queue = await openWorkQueue({ source: spec, retryFailures: false, retainItemsMaxBytes: 1, log }, state);
    rmSync(spec.path); // a second pass would now fail
    expect(queue).toMatchObject({ total: 500, pending: 0, alreadyDone: 500 });
    expect(await queue.next()).toBeUndefined();
  });

  it("reads it again for the run when many items are left", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `item-${i}`);
    const spec = source(ids);
    const state = new BatchState();
    for (const id of ids.slice(0, 100)) state.done.add(id);
    const queue = await openWorkQueue({ source: spec, retryFailures: false, retainItemsMaxBytes: 1, log }, state);
    const got: string[] = [];
    for (let item = await queue.next(); item; item = await queue.next()) got.push(item.id);
    expect(got).toEqual(ids.slice(100));
  });
});
