import { createHash } from "node:crypto";
import { describe, it, expect } from "vitest";
import { escapeHtml, jsonForScript, renderHtmlReport, type HtmlReportInput } from "../../src/report/html-report.js";
import type { FailureRecord, RunRecord } from "../../src/core/platform/types.js";

const HOSTILE_ID = "<img src=x onerror=alert(1)>";
const HOSTILE_ERROR = `</script><script>alert("pwned")</script> <!-- "quoted" & 'single' </SCRIPT > \u2028`;

function failure(i: number, over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id: `item-${String(i).padStart(6, "0")}`,
    error: [`HTTP 404 for /users/${i}`, `connect ETIMEDOUT 10.0.0.${i % 250}:443`, `exit code 3: bad row ${i}`][i % 3]!,
    kind: (["permanent", "timeout", "permanent"] as const)[i % 3]!,
    attempts: 1 + (i % 5),
    runs: 1 + (i % 2),
    firstFailedAt: `2024-05-0${1 + (i % 5)}T10:00:00.000Z`,
    lastFailedAt: `2024-05-0${1 + (i % 5)}T11:00:00.000Z`,
    item: { i },
    ...over,
  };
}

function run(seq: number, succeeded: number, failed: number): RunRecord {
  return {
    seq,
    runId: String(7_000 + seq),
    runAttempt: 1,
    mode: "run",
    startedAt: `2024-05-0${seq}T00:00:00.000Z`,
    endedAt: `2024-05-0${seq}T00:45:00.000Z`,
    succeeded,
    failed,
    stopReason: "budget",
  };
}

function input(over: Partial<HtmlReportInput> = {}): HtmlReportInput {
  return {
    title: "Nightly sync",
    generatedAt: "2024-05-05T12:00:00.000Z",
    thisRun: { processed: 1_200, succeeded: 1_100, failed: 100, durationMs: 2_700_000, stopReason: "budget" },
    totals: { total: 10_000, done: 4_000, failed: 300, remaining: 5_700 },
    runs: [run(1, 1_000, 100), run(2, 1_900, 100), run(3, 1_100, 100)],
    failures: Array.from({ length: 300 }, (_, i) => failure(i)),
    stateSource: "cache",
    stateSourceDetail: "resumable-batch-main-7003-1",
    retryHint: "Run the workflow with retry-failures ticked.",
    ...over,
  };
}

/** The JSON embedded in the report, parsed back. */
function embeddedData(html: string): { rows: unknown[][]; errors: string[]; kinds: string[]; causes: string[] } {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!);
}

describe("escaping helpers", () => {
  it("escapes HTML special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("writes JSON that cannot close its script element and parses back unchanged", () => {
    const value = { s: HOSTILE_ERROR, id: HOSTILE_ID };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/<\/script/i);
    expect(json).not.toContain("<!--");
    expect(json).not.toContain("<");
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe("renderHtmlReport", () => {
  it("shows the counts with stable ids", () => {
    const html = renderHtmlReport(input());
    expect(html).toMatch(/id="count-total">10,000</);
    expect(html).toMatch(/id="count-done">4,000</);
    expect(html).toMatch(/id="count-failed">300</);
    expect(html).toMatch(/id="count-remaining">5,700</);
    expect(html).toContain("Stopped at the time budget with 5,700 items left; the next run continues.");
    expect(html).toContain("State restored from the Actions cache. (resumable-batch-main-7003-1)");
    expect(html).toContain('id="search"');
    expect(html).toContain('id="shown-count"');
    expect(html).toContain("Run the workflow with retry-failures ticked.");
  });

  it("lists the failure groups largest first", () => {
    const html = renderHtmlReport(input());
    const tbody = /<table id="groups">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    const rows = tbody.match(/<tr data-group="\d+">/g) ?? [];
    expect(rows).toHaveLength(3);
    const causes = [...tbody.matchAll(/<td class="cause"><code>([^<]*)<\/code>/g)].map((m) => m[1]);
    // 100 each; equal counts put the latest lastFailedAt first, then the cause.
    expect(causes).toEqual(["HTTP 404 for /users/&lt;n&gt;", "connect ETIMEDOUT &lt;ip&gt;:&lt;n&gt;", "exit code 3: bad row &lt;n&gt;"]);
  });

  it("draws one bar group per run and a cumulative line from the running sum of succeeded", () => {
    const html = renderHtmlReport(input());
    const svg = /<svg id="runs-chart-svg"[\s\S]*?<\/svg>/.exec(html)![0];
    expect(svg.match(/<g class="run">/g)).toHaveLength(3);
    expect(svg.match(/class="bar-failed"/g)).toHaveLength(3);
    expect(svg).toContain("#3 (run 7003, run) 2024-05-03 00:00:00 UTC: 1,100 succeeded, 100 failed; 4,000 done so far");
    const points = /<polyline class="cum-line" points="([^"]+)"/.exec(svg)![1]!.split(" ");
    expect(points).toHaveLength(3);
    const ys = points.map((p) => Number(p.split(",")[1]));
    // Cumulative 1,000 -> 2,900 -> 4,000: the line rises (smaller y is higher).
    expect(ys[0]).toBeGreaterThan(ys[1]!);
    expect(ys[1]).toBeGreaterThan(ys[2]!);
    expect(renderHtmlReport(input({ runs: [] }))).toContain("No runs recorded yet.");
  });

  it("never emits hostile ids or errors as markup", () => {
    const hostile = [
      failure(1, { id: HOSTILE_ID, error: HOSTILE_ERROR }),
      failure(2, { id: `"><svg onload=alert(1)>`, error: "<b>bold</b> & more" }),
    ];
    const html = renderHtmlReport(
      input({
        failures: hostile,
        title: "<script>alert('title')</script>",
        stateSourceDetail: "<i>detail</i>",
        freshStartWarning: "<b>warn</b>",
        retryHint: "<u>hint</u>",
      }),
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<svg onload");
    expect(html).not.toContain("<b>bold");
    expect(html).not.toContain("<b>warn");
    expect(html).not.toContain("<i>detail");
    expect(html).not.toContain("<u>hint");
    expect(html).not.toContain("alert('title')</script>");
    // Exactly the report's own two script elements, each closed once.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain("<!--");
    // The example id in the groups table is escaped text.
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // The embedded data keeps the exact text for the client to show with textContent.
    const data = embeddedData(html);
    expect(data.rows.map((r) => r[0])).toEqual([HOSTILE_ID, `"><svg onload=alert(1)>`]);
    expect(data.errors).toContain(HOSTILE_ERROR);
    expect(html).toContain('id="fresh-start-warning"');
    expect(html).toContain("&lt;b&gt;warn&lt;/b&gt;");
  });

  it("loads nothing from the network and allows only its own script", () => {
    const html = renderHtmlReport(
      input({ failures: [failure(1, { error: "GET https://evil.example/x.js failed", id: "http://evil.example/a.png" })] }),
    );
    expect(html).not.toMatch(/\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(?:link|iframe|object|embed|img|base)\b/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    // The hash in the policy must be the inline script's, or the browser would block it.
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash("sha256").update(script, "utf8").digest("base64");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
  });

  it("shows no warning block without a fresh-start warning, and copes with no failures", () => {
    const html = renderHtmlReport(input({ failures: [], totals: { total: 5, done: 5, failed: 0, remaining: 0 } }));
    expect(html).not.toContain('id="fresh-start-warning"');
    expect(html).toContain("No failed items.");
    expect(embeddedData(html).rows).toEqual([]);
  });

  it("embeds 50,000 failures compactly", () => {
    const failures = Array.from({ length: 50_000 }, (_, i) => failure(i));
    const html = renderHtmlReport(input({ failures, totals: { total: 200_000, done: 120_000, failed: 50_000, remaining: 30_000 } }));
    const bytes = Buffer.byteLength(html, "utf8");
    expect(embeddedData(html).rows).toHaveLength(50_000);
    expect(bytes).toBeLessThan(15 * 1024 * 1024);
  });
});
