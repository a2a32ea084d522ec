import { describe, it, expect } from "vitest";
import {
  capMarkdownBytes,
  markdownCode,
  markdownText,
  MAX_SUMMARY_BYTES,
  renderFailuresMarkdown,
  renderRunSummaryMarkdown,
  type RunSummaryInput,
} from "../../src/report/markdown.js";
import type { FailureRecord, RunRecord } from "../../src/core/platform/types.js";

const HOSTILE_ID = "<img src=x onerror=alert(1)>";
const HOSTILE_ERROR = "bad | pipe\nsecond line `tick` ``double`` <script>alert(1)</script> **bold** [link](javascript:alert(1))";

function failure(i: number, over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id: `item-${i}`,
    error: `HTTP ${i % 2 ? 404 : 500} for /users/${i}`,
    kind: i % 3 ? "permanent" : "transient",
    attempts: 1 + (i % 4),
    runs: 1,
    firstFailedAt: `2024-05-0${1 + (i % 5)}T10:00:00.000Z`,
    lastFailedAt: `2024-05-0${1 + (i % 5)}T11:00:00.000Z`,
    item: { i },
    ...over,
  };
}

function run(seq: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    seq,
    runId: String(9_000 + seq),
    runAttempt: 1,
    mode: "run",
    startedAt: `2024-05-01T${String(seq % 24).padStart(2, "0")}:00:00.000Z`,
    endedAt: `2024-05-01T${String(seq % 24).padStart(2, "0")}:50:00.000Z`,
    succeeded: 100,
    failed: 5,
    stopReason: "budget",
    ...over,
  };
}

function summaryInput(over: Partial<RunSummaryInput> = {}): RunSummaryInput {
  return {
    title: "Nightly sync",
    thisRun: { processed: 105, succeeded: 100, failed: 5, durationMs: 3_000_000, stopReason: "budget" },
    totals: { total: 10_000, done: 1_200, failed: 60, remaining: 8_740 },
    runs: Array.from({ length: 12 }, (_, i) => run(i + 1)),
    failures: Array.from({ length: 60 }, (_, i) => failure(i)),
    stateSource: "cache",
    stateSourceDetail: "resumable-batch-main-9012-1",
    retryHint: "Run the workflow again with `retry-failures` ticked.",
    ...over,
  };
}

/** Table cells of a GFM row, splitting on pipes that are not escaped as `\|`. */
function cells(row: string): string[] {
  const parts = row.trim().split(/(?<!\\)\|/);
  return parts.slice(1, -1).map((c) => c.trim());
}

/** The row text with every code span removed (what markdown would interpret). */
function outsideCodeSpans(text: string): string {
  return text.replace(/(`+)[\s\S]*?\1/g, "");
}

function tableRows(md: string, header: string): string[] {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(lines[i]!);
  return rows;
}

describe("markdown escaping", () => {
  it("puts hostile text in a code span that cannot break a table cell", () => {
    const code = markdownCode(HOSTILE_ERROR);
    expect(code).not.toContain("\n");
    expect(cells(`| ${code} |`)).toHaveLength(1);
    // The text holds a run of two backticks, so the fence is three.
    expect(code.startsWith("```")).toBe(true);
    expect(code.endsWith("```")).toBe(true);
    expect(code).toContain("bad \\| pipe second line");
    expect(markdownCode("`starts with a tick")).toBe("`` `starts with a tick ``");
    expect(markdownCode("")).toBe("*(empty)*");
  });

  it("cuts long text with an ellipsis", () => {
    const code = markdownCode("x".repeat(10_000), 200);
    expect(code.length).toBeLessThan(210);
    expect(code).toContain("…");
  });

  it("escapes plain text so that no markup or HTML is interpreted", () => {
    expect(markdownText("<b>hi</b> & *x* _y_ [a](b) | c")).toBe("&lt;b&gt;hi&lt;/b&gt; &amp; \\*x\\* \\_y\\_ \\[a\\](b) \\| c");
    expect(markdownText("# not a heading")).toBe("\\# not a heading");
    expect(markdownText("1. not a list")).toBe("1\\. not a list");
    expect(markdownText("ping @octocat\nnow")).toBe("ping &#64;octocat now");
  });
});

describe("renderFailuresMarkdown", () => {
  it("says so when nothing failed", () => {
    expect(renderFailuresMarkdown([])).toContain("No failed items.");
  });

  it("lists causes largest first, then the first items, then how many more", () => {
    const failures = [
      ...Array.from({ length: 7 }, (_, i) => failure(i, { error: `HTTP 404 for /users/${i}` })),
      ...Array.from({ length: 3 }, (_, i) => failure(100 + i, { error: `timeout after ${i * 1000}ms`, kind: "timeout" })),
    ];
    const md = renderFailuresMarkdown(failures, { maxItems: 4 });
    const groupRows = tableRows(md, "| Cause |");
    expect(groupRows).toHaveLength(2);
    expect(cells(groupRows[0]!)[0]).toBe("`HTTP 404 for /users/<n>`");
    expect(cells(groupRows[0]!)[1]).toBe("7 (70%)");
    expect(cells(groupRows[1]!)[0]).toBe("`timeout after <n>ms`");
    expect(cells(groupRows[1]!)[2]).toBe("timeout");
    const itemRows = tableRows(md, "| Id |");
    expect(itemRows).toHaveLength(4);
    expect(cells(itemRows[0]!)).toEqual(["`item-0`", "transient", "1", "`HTTP 404 for /users/0`", "2024-05-01 11:00:00 UTC"]);
    expect(md).toContain("6 more in `failures.json`.");
  });

  it("caps the number of groups and says how many are left", () => {
    const failures = Array.from({ length: 30 }, (_, i) =>
      failure(i, { error: `cause-${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} broke` }),
    );
    const md = renderFailuresMarkdown(failures, { maxGroups: 5 });
    expect(tableRows(md, "| Cause |")).toHaveLength(5);
    expect(md).toContain("…and 25 more causes (25 items)");
  });

  it("keeps hostile ids and errors inside code spans, one row per item", () => {
    const failures = [failure(1, { id: HOSTILE_ID, error: HOSTILE_ERROR }), failure(2, { id: "pipe|id\nnewline", error: "x" })];
    const md = renderFailuresMarkdown(failures);
    const rows = tableRows(md, "| Id |");
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(cells(row)).toHaveLength(5);
    for (const line of md.split("\n")) {
      const outside = outsideCodeSpans(line);
      expect(outside).not.toContain("<img");
      expect(outside).not.toContain("<script");
      expect(outside).not.toContain("javascript:");
    }
    expect(md).toContain("`<img src=x onerror=alert(1)>`");
    expect(cells(rows[1]!)[0]).toBe("`pipe\\|id newline`");
  });

  it("cuts very long errors and ids", () => {
    const md = renderFailuresMarkdown([failure(1, { id: "i".repeat(5_000), error: "e".repeat(50_000) })]);
    const row = tableRows(md, "| Id |")[0]!;
    expect(row.length).toBeLessThan(500);
  });
});

describe("renderRunSummaryMarkdown", () => {
  it("shows this run, the totals, the source of state, recent runs, failures and the retry hint", () => {
    const md = renderRunSummaryMarkdown(summaryInput());
    expect(md.startsWith("## Nightly sync\n")).toBe(true);
    expect(md).toContain("Stopped at the time budget with 8,740 items left; the next run continues.");
    expect(md).toContain("| This run | 105 | 100 | 5 | 50 min 00 s |");
    expect(md).toMatch(/\| All runs \| 10,000 \| 1,200 \| 60 \| 8,740 \| `[█░]{20}` 12% \|/);
    expect(md).toContain("State restored from the Actions cache. (resumable-batch-main-9012-1)");
    // The last 10 of 12 runs, newest first, with the cumulative count of all runs.
    const runRows = tableRows(md, "| # |");
    expect(runRows).toHaveLength(10);
    expect(cells(runRows[0]!)[0]).toBe("12");
    expect(cells(runRows[0]!)[7]).toBe("1,200");
    expect(cells(runRows[9]!)[0]).toBe("3");
    expect(cells(runRows[9]!)[7]).toBe("300");
    expect(md).toContain("…and 2 earlier runs.");
    expect(md).toContain("### Failure causes");
    expect(md).toContain("10 more in `failures.json`.");
    expect(md).toContain("Run the workflow again with `retry-failures` ticked.");
    expect(md).not.toContain("[!CAUTION]");
  });

  it("warns loudly about a fresh start", () => {
    const md = renderRunSummaryMarkdown(
      summaryInput({ stateSource: "fresh", freshStartWarning: "No cache entry and no artifact found for key <state>; 3 earlier runs exist." }),
    );
    expect(md).toContain("> [!CAUTION]\n> **Fresh start: earlier state could not be restored.**");
    expect(md).toContain("> No cache entry and no artifact found for key &lt;state&gt;; 3 earlier runs exist.");
    expect(md).toContain("Fresh start: no earlier state was found.");
  });

  it("has no failures section noise and no retry hint when nothing failed", () => {
    const md = renderRunSummaryMarkdown(
      summaryInput({ failures: [], thisRun: { processed: 5, succeeded: 5, failed: 0, durationMs: 900, stopReason: "complete" } }),
    );
    expect(md).toContain("Complete: every item was attempted.");
    expect(md).toContain("No failed items.");
    expect(md).not.toContain("retry-failures");
    expect(md).toContain("| This run | 5 | 5 | 0 | 900 ms |");
  });

  it("stays under 1 MiB with 100,000 hostile failures", () => {
    const failures = Array.from({ length: 100_000 }, (_, i) =>
      failure(i, { id: `${HOSTILE_ID}-${i}-${"x".repeat(500)}`, error: `${HOSTILE_ERROR} ${i} ${"y".repeat(3_000)}` }),
    );
    const md = renderRunSummaryMarkdown(
      summaryInput({ failures, runs: Array.from({ length: 500 }, (_, i) => run(i + 1)), title: "t".repeat(100_000) }),
    );
    const bytes = Buffer.byteLength(md, "utf8");
    expect(bytes).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(bytes).toBeLessThan(1024 * 1024);
    expect(md).toContain("99,950 more in `failures.json`.");
  });

  it("cuts at a line boundary with a note when the text is over the limit", () => {
    const text = Array.from({ length: 1_000 }, (_, i) => `| row ${i} | é漢😀 |`).join("\n");
    const cut = capMarkdownBytes(text, 2_000);
    expect(Buffer.byteLength(cut, "utf8")).toBeLessThanOrEqual(2_000);
    expect(cut).toContain("This summary was cut to stay under GitHub's 1 MiB job summary limit");
    expect(cut).not.toContain("\uFFFD");
    const body = cut.slice(0, cut.indexOf("\n\n> [!NOTE]"));
    for (const line of body.split("\n")) expect(line).toMatch(/^\| row \d+ \| é漢😀 \|$/);
    expect(capMarkdownBytes("short", 2_000)).toBe("short");
  });
});
