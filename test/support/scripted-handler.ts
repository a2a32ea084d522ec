import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AttemptContext, AttemptResult, Handler } from "../../src/core/handlers/handler.js";
import type { RunBatchOptions } from "../../src/core/run/run-batch.js";
import type { StopSignalName, StopSource } from "../../src/core/run/stop-controller.js";
import type { Item } from "../../src/core/platform/types.js";
import type { FakeSystem } from "./fake-system.js";
import { RUN_DEFAULTS } from "./run-defaults.js";

export class ManualStops implements StopSource {
  private listeners: Array<(s: StopSignalName) => void> = [];
  subscribe(l: (s: StopSignalName) => void) {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }
  send(s: StopSignalName) {
    for (const l of this.listeners) l(s);
  }
}

/** A handler on virtual time: each attempt takes durationMs, then answers what `script` says. */
export function scriptedHandler(system: FakeSystem, script: (id: string, attempt: number, key: string) => AttemptResult, durationMs = 100) {
  const calls: Array<{ id: string; attempt: number; atMs: number; key: string }> = [];
  const handler: Handler = {
    run(item: Item, ctx: AttemptContext) {
      calls.push({ id: item.id, attempt: ctx.attempt, atMs: system.nowMs(), key: ctx.idempotencyKey });
      return new Promise((resolve) => {
        const cancel = system.setTimer(() => resolve(script(item.id, ctx.attempt, ctx.idempotencyKey)), durationMs);
        ctx.signal.addEventListener(
          "abort",
          () => {
            cancel();
            resolve({ ok: false, kind: "transient", error: "aborted" });
          },
          { once: true },
        );
      });
    },
  };
  return { handler, calls };
}

/** A temp folder with an items file of these ids and run options for it. */
export function batchSetup(ids: string[], overrides: Partial<RunBatchOptions> & { system: FakeSystem; handler: Handler }) {
  const dir = mkdtempSync(join(tmpdir(), "rb-outcomes-"));
  const items = join(dir, "items.jsonl");
  writeFileSync(items, ids.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  const options: RunBatchOptions = {
    stateDir: join(dir, "state"),
    source: { path: items, label: items, format: "jsonl", idField: "id" },
    ...RUN_DEFAULTS,
    stops: new ManualStops(),
    log: { info() {}, warn() {}, error() {} },
    ...overrides,
  };
  return { dir, options, itemsPath: items };
}
