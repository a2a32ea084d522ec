/**
 * A worker of the first protocol ({"ok":true} without the id) with a real process and
 * virtual timers: its item must not hang forever; it is a setup error naming the fix.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AttemptResult, Handler } from "../../src/core/handlers/handler.js";
import { createWorkerHandler, UNNAMED_ANSWER_GRACE_MS } from "../../src/core/handlers/worker-handler.js";
import { FakeSystem } from "../support/fake-system.js";
import { waitUntil } from "../support/wait-until.js";

const handlers: Handler[] = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((h) => h.close?.()));
});

function worker(command: string, system: FakeSystem, warnings: string[]): Handler {
  system.spawn = spawn;
  const h = createWorkerHandler({ command, killGraceMs: 500, env: process.env, system, name: "--worker", warn: (m) => warnings.push(m) });
  handlers.push(h);
  return h;
}

function run(h: Handler, id: string): Promise<AttemptResult> {
  return h.run(
    { id, data: { id }, line: 1 },
    { id, attempt: 1, idempotencyKey: "k", signal: new AbortController().signal, stopping: new AbortController().signal },
  );
}

describe("a worker that answers without the request's id", () => {
  it("is a setup error once no named answer follows within the grace", async () => {
    const system = new FakeSystem(0);
    const warnings: string[] = [];
    const h = worker(`while read -r line; do echo '{"ok":true}'; done`, system, warnings);
    let result: AttemptResult | undefined;
    void run(h, "a").then((r) => (result = r));
    await waitUntil(() => warnings.length > 0, "the warning about an answer without id");
    expect(warnings[0]).toMatch(/printed a line with "ok" but without the request's "id": taken as log output/);
    await system.advance(UNNAMED_ANSWER_GRACE_MS - 1);
    expect(result).toBeUndefined();
    await system.advance(1);
    expect(result).toMatchObject({ ok: false, kind: "setup" });
    expect((result as { error: string }).error).toMatch(
      /^--worker 'while .*' answers without the request's id .*\{"id":"<the request's id>","ok":true\}/,
    );
  });

  it('a worker that logs {"ok":true} and then answers naming the item is unaffected', async () => {
    const system = new FakeSystem(0);
    const warnings: string[] = [];
    const h = worker(
      `while read -r line; do echo '{"ok":true,"channel":"C1"}'; sleep 0.2; echo '{"id":"a","ok":false,"error":"nope"}'; done`,
      system,
      warnings,
    );
    let result: AttemptResult | undefined;
    void run(h, "a").then((r) => (result = r));
    await waitUntil(() => result !== undefined, "the named answer");
    expect(result).toMatchObject({ ok: false, kind: "permanent", error: "nope" });
    expect(warnings).toHaveLength(1);
    await system.advance(UNNAMED_ANSWER_GRACE_MS * 2);
    expect(system.pendingTimers).toBe(0);
  });
});

describe("a worker that answered for another id", () => {
  it("is never handed the retry: the retry goes to a fresh worker even while the old one is still stopping", async () => {
    const system = new FakeSystem(0);
    const pids = join(mkdtempSync(join(tmpdir(), "rb-worker-")), "pids");
    // Ignores SIGTERM, so it is still alive when the retry comes (its SIGKILL waits on the virtual clock).
    const h = worker(`trap '' TERM; echo $$ >> '${pids}'; while read -r line; do echo '{"id":"someone-else","ok":true}'; done`, system, []);
    try {
      const first = await run(h, "a");
      expect(first).toMatchObject({ ok: false, kind: "transient" });
      expect((first as { error: string }).error).toMatch(/protocol error: the worker answered for id "someone-else"/);
      const second = await run(h, "a");
      expect((second as { error: string }).error).toMatch(/protocol error/);
      const started = readFileSync(pids, "utf8").trim().split("\n");
      expect(started).toHaveLength(2);
    } finally {
      rmSync(dirname(pids), { recursive: true, force: true });
    }
  });
});
