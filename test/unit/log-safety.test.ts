import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Handler } from "../../src/core/handlers/handler.js";
import { escapeControls, logId, MAX_LOG_ID_CHARS } from "../../src/core/platform/log-text.js";
import { runBatch } from "../../src/core/run/run-batch.js";
import { neutraliseWorkflowCommands } from "../../src/action/workflow-commands.js";
import { createRealHost } from "../../src/action/real-host.js";
import { FakeSystem } from "../support/fake-system.js";
import { RUN_DEFAULTS } from "../support/run-defaults.js";

/** Would the runner read this stdout text as a workflow command (actions/runner ActionCommand.cs)? */
function hasWorkflowCommand(text: string): boolean {
  return text.split(/\r\n|\r|\n/).some((line) => /^[\s\u0085]*::[a-z-]+( [^:]*)?::/i.test(line) || /##\[[a-z-]+( [^\]]*)?\]/i.test(line));
}

const HOSTILE_IDS = [
  "a\n::error title=pwned::owned",
  "b\r::add-mask::secret",
  "c\u0085::stop-commands::tok",
  "d ##[error]inline",
  "e\n  ::warning::indented",
  "f\u001b[2J\u001b[Hcleared",
];

describe("item text in log lines", () => {
  it("escapes line breaks and other controls, and shortens long ids", () => {
    expect(escapeControls("a\nb\rc\td\u001be\u2028f")).toBe("a\\nb\\rc\\td\\u001be\\u2028f");
    expect(escapeControls("x\ud800y\udc00")).toBe("x\\ud800y\\udc00");
    expect(escapeControls("ok 😀 é")).toBe("ok 😀 é");
    const long = logId("x".repeat(500));
    expect(long).toHaveLength(MAX_LOG_ID_CHARS);
    expect(long.endsWith("…")).toBe(true);
    expect(logId("user-17")).toBe("user-17");
  });

  it("neutralises every line that would be a workflow command, keeps the rest", () => {
    for (const id of HOSTILE_IDS) {
      const text = `✗ ${id}: failed`;
      expect(hasWorkflowCommand(neutraliseWorkflowCommands(text)), JSON.stringify(text)).toBe(false);
    }
    expect(neutraliseWorkflowCommands("::error::x")).toBe("\\::error::x");
    expect(neutraliseWorkflowCommands("plain line\nsecond: line")).toBe("plain line\nsecond: line");
  });

  it("the engine logs hostile ids and errors on one line each", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rb-log-safety-"));
    try {
      const items = join(dir, "items.jsonl");
      writeFileSync(items, HOSTILE_IDS.map((id) => JSON.stringify({ id })).join("\n") + "\n");
      const system = new FakeSystem(0);
      const handler: Handler = {
        run: async (item, ctx) =>
          ctx.attempt === 1
            ? { ok: false, kind: "transient", error: `busy\r::add-mask::${item.id}` }
            : { ok: false, kind: "permanent", error: `line one\n${item.id}\n::error::last` },
      };
      const messages: string[] = [];
      const log = { info: (m: string) => messages.push(m), warn: (m: string) => messages.push(m), error: (m: string) => messages.push(m) };
      const result = await system.runUntil(
        runBatch({
          stateDir: join(dir, "state"),
          source: { path: items, label: items, format: "jsonl", idField: "id" },
          handler,
          ...RUN_DEFAULTS,
          maxAttempts: 2,
          backoff: { baseMs: 10, maxMs: 10 },
          shutdownGraceMs: 1000,
          stops: { subscribe: () => () => {} },
          log,
          system,
        }),
      );
      expect(result.failed).toBe(HOSTILE_IDS.length);
      const itemLines = messages.filter((m) => m.startsWith("✗") || m.startsWith("↻"));
      expect(itemLines).toHaveLength(2 * HOSTILE_IDS.length);
      // eslint-disable-next-line no-control-regex -- no line break or ESC may reach a log line
      for (const m of itemLines) expect(m, JSON.stringify(m)).not.toMatch(/[\r\n\u0085\u001b]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the action's log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("core.info of the real host writes no workflow command, whatever the message holds", () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const host = createRealHost();
    for (const id of HOSTILE_IDS) host.core.info(`✗ ${id}: failed`);
    vi.restoreAllMocks();
    expect(written.join("")).toContain("failed");
    expect(hasWorkflowCommand(written.join(""))).toBe(false);
  });
});
