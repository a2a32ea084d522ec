/**
 * The HTML report in a real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core): counts, groups, search, sorting, paging, hostile text, no network, and
 * how fast 50,000 failures become interactive. Leaves a screenshot in
 * test-output/html-report.png.
 *
 * Needs the Debian packages chromium and chromium-driver (scripts/install-chromium.sh).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, it, expect } from "vitest";
import type { Browser, Page } from "playwright-core";
import { renderHtmlReport, type HtmlReportInput } from "../../src/report/html-report.js";
import type { FailureKind, FailureRecord, RunRecord } from "../../src/core/platform/types.js";

/** The bits of the DOM used inside page callbacks (tsconfig has no "dom" lib). */
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `test/browser/html-report.test.ts: skipped, ${CHROMIUM} not found. Install the Debian packages ` +
      "chromium and chromium-driver (bash scripts/install-chromium.sh, or apt-get install -y chromium chromium-driver).",
  );
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const OUT_DIR = join(ROOT, "test-output");
const HOSTILE_ID = "<img src=x onerror=alert(1)>";

/** Five causes with fixed shares of 50,000 failures: 45%, 25%, 15%, 10%, 5%. */
const CAUSES: { share: number; kind: FailureKind; message: (i: number) => string }[] = [
  { share: 45, kind: "permanent", message: (i) => `HTTP 404 for /users/${i}` },
  { share: 25, kind: "permanent", message: (i) => `ValidationError: field "email" is invalid: "user${i}@example"` },
  { share: 15, kind: "timeout", message: (i) => `connect ETIMEDOUT 10.0.${i % 250}.${(i * 7) % 250}:443` },
  { share: 10, kind: "permanent", message: (i) => `exit code 3: could not parse row ${i} in batch ${i % 97}` },
  { share: 5, kind: "transient", message: (i) => `Request ${i.toString(16).padStart(8, "0")}ab failed after ${1000 + (i % 5000)}ms` },
];
const FAILURE_COUNT = 50_000;

function causeOf(i: number): number {
  // A multiplicative hash spreads the causes over the ids without randomness.
  const bucket = (i * 7919) % 100;
  let acc = 0;
  for (let c = 0; c < CAUSES.length; c++) {
    acc += CAUSES[c]!.share;
    if (bucket < acc) return c;
  }
  return CAUSES.length - 1;
}

function fixture(): HtmlReportInput {
  const failures: FailureRecord[] = Array.from({ length: FAILURE_COUNT }, (_, i) => {
    const cause = CAUSES[causeOf(i)]!;
    const day = 1 + (i % 5);
    return {
      id: i === 3 ? HOSTILE_ID : `item-${String(i).padStart(6, "0")}`,
      error: cause.message(i),
      kind: cause.kind,
      attempts: 1 + ((i * 31) % 5),
      runs: 1 + (i % 3),
      firstFailedAt: `2024-05-0${day}T0${i % 10}:00:00.000Z`,
      lastFailedAt: `2024-05-0${day}T1${i % 10}:30:00.000Z`,
      item: { i },
    };
  });
  const succeeded = [21_000, 24_500, 23_800, 19_000, 25_200, 22_100, 24_000, 4_000];
  const failed = [6_000, 7_000, 8_000, 9_000, 7_000, 6_500, 6_500, 0];
  const runs: RunRecord[] = succeeded.map((ok, k) => {
    const day = 1 + Math.floor(k / 2);
    const hour = k % 2 ? "12" : "00";
    return {
      seq: k + 1,
      runId: String(8_812_000_000 + k * 1_234),
      runAttempt: k === 5 ? 2 : 1,
      mode: k === 7 ? "retry-failures" : "run",
      startedAt: `2024-05-0${day}T${hour}:00:00.000Z`,
      endedAt: `2024-05-0${day}T${hour}:55:00.000Z`,
      succeeded: ok,
      failed: failed[k]!,
      stopReason: k === 7 ? "complete" : "budget",
    };
  });
  const done = succeeded.reduce((a, b) => a + b, 0);
  return {
    title: "Nightly user sync",
    generatedAt: "2024-05-05T13:02:11.000Z",
    thisRun: { processed: 4_000, succeeded: 4_000, failed: 0, durationMs: 3_300_000, stopReason: "budget" },
    totals: { total: 300_000, done, failed: FAILURE_COUNT, remaining: 300_000 - done - FAILURE_COUNT },
    runs,
    failures,
    stateSource: "cache",
    stateSourceDetail: "resumable-batch-main-8812008638-1",
    retryHint: "Run the workflow by hand with retry-failures ticked to re-attempt only the failed items.",
  };
}

async function matching(page: Page): Promise<number> {
  return Number(await page.getAttribute("#shown-count", "data-matching"));
}

/** Waits until #shown-count reports `n` matching rows (the search is debounced). */
async function waitForMatching(page: Page, n: number): Promise<void> {
  await page.waitForFunction((want) => document.querySelector("#shown-count")?.getAttribute("data-matching") === String(want), n, {
    timeout: 10_000,
  });
}

describe.skipIf(!hasChromium)("HTML report in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  const externalRequests: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const start = performance.now();
    const html = renderHtmlReport(fixture());
    const renderMs = performance.now() - start;
    const file = join(OUT_DIR, "html-report-fixture.html");
    writeFileSync(file, html);
    url = pathToFileURL(file).href;
    console.log(
      `html report fixture: ${FAILURE_COUNT.toLocaleString("en-US")} failures, ${(Buffer.byteLength(html) / 1024 / 1024).toFixed(2)} MiB, rendered in ${renderMs.toFixed(0)} ms`,
    );

    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on("request", (r) => {
      if (!/^(file|data|about):/.test(r.url())) externalRequests.push(r.url());
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(): Promise<number> {
    const start = performance.now();
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
    return performance.now() - start;
  }

  it("becomes interactive fast and shows the counts", async () => {
    const wallMs = await open();
    const readyMs = Number(await page.getAttribute("html", "data-ready-ms"));
    const scriptMs = Number(await page.getAttribute("html", "data-render-ms"));
    console.log(
      `html report in Chromium: interactive ${readyMs} ms after navigation start (script: parse JSON + first render ${scriptMs} ms); goto -> ready ${wallMs.toFixed(0)} ms`,
    );
    // Generous: the point is the page does not choke on 50,000 rows; the timings are printed.
    expect(readyMs).toBeLessThan(15_000);

    expect(await page.textContent("#count-total")).toBe("300,000");
    expect(await page.textContent("#count-done")).toBe("163,600");
    expect(await page.textContent("#count-failed")).toBe("50,000");
    expect(await page.textContent("#count-remaining")).toBe("86,400");
    expect(await page.textContent("#stop-reason")).toContain("Stopped at the time budget");
    // Eight runs in the chart.
    expect(await page.locator("#runs-chart-svg g.run").count()).toBe(8);
  });

  it("lists the five causes largest first", async () => {
    await open();
    const rows = page.locator("#groups tbody tr");
    expect(await rows.count()).toBe(5);
    const causes = await page.locator("#groups tbody td.cause").allTextContents();
    expect(causes).toEqual([
      "HTTP 404 for /users/<n>",
      'ValidationError: field "<…>" is invalid: "<…>"',
      "connect ETIMEDOUT <ip>:<n>",
      "exit code 3: could not parse row <n> in batch <n>",
      "Request <hex> failed after <n>ms",
    ]);
    const counts = (await page.locator("#groups tbody td .count").allTextContents()).map((t) => Number(t.replace(/,/g, "")));
    expect(counts).toEqual([22_500, 12_500, 7_500, 5_000, 2_500]);
  });

  it("renders the first page of rows, and more on demand", async () => {
    await open();
    expect(await page.locator("#failures tbody tr").count()).toBe(500);
    expect(await matching(page)).toBe(FAILURE_COUNT);
    expect(await page.textContent("#shown-count")).toBe("Showing 500 of 50,000");
    expect(await page.textContent("#show-more")).toBe("Show 500 more (49,500 left)");
    await page.click("#show-more");
    expect(await page.locator("#failures tbody tr").count()).toBe(1_000);
    expect(await page.textContent("#shown-count")).toBe("Showing 1,000 of 50,000");
  });

  it("shows hostile ids as text", async () => {
    await open();
    const idCell = page.locator("#failures tbody tr").nth(3).locator("td.id");
    expect(await idCell.textContent()).toBe(HOSTILE_ID);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("filters the table as you type", async () => {
    await open();
    const before = await page.textContent("#shown-count");
    const start = performance.now();
    await page.fill("#search", "ETIMEDOUT");
    await waitForMatching(page, 7_500);
    console.log(
      `search "ETIMEDOUT" over 50,000 rows: table updated ${(performance.now() - start).toFixed(0)} ms after typing (150 ms debounce included)`,
    );
    expect(await page.textContent("#shown-count")).not.toBe(before);
    expect(await page.textContent("#shown-count")).toBe("Showing 500 of 7,500 matching (50,000 in all)");
    const errors = await page.locator("#failures tbody td.err").allTextContents();
    expect(errors).toHaveLength(500);
    for (const e of errors) expect(e).toContain("ETIMEDOUT");

    // Several words must all match, in id, error or kind.
    await page.fill("#search", "item-000123 404");
    await waitForMatching(page, 1);
    expect(await page.locator("#failures tbody tr").count()).toBe(1);
    expect(await page.locator("#failures tbody td.id").textContent()).toBe("item-000123");
    expect(await page.isHidden("#show-more")).toBe(true);

    await page.fill("#search", "transient");
    await waitForMatching(page, 2_500);

    await page.fill("#search", "no such thing anywhere");
    await waitForMatching(page, 0);
    expect(await page.locator("#failures tbody tr").count()).toBe(0);

    await page.fill("#search", "");
    await waitForMatching(page, FAILURE_COUNT);
  });

  it("filters by cause from the groups table", async () => {
    await open();
    await page.locator("#groups tbody tr").nth(3).locator("button[data-group-filter]").click();
    await waitForMatching(page, 5_000);
    for (const e of await page.locator("#failures tbody td.err").allTextContents())
      expect(e).toMatch(/^exit code 3: could not parse row \d+ in batch \d+$/);
    await page.selectOption("#group-filter", "");
    await waitForMatching(page, FAILURE_COUNT);
  });

  it("sorts by attempts when the header is clicked, and reverses on a second click", async () => {
    await open();
    const header = page.locator('#failures th[data-sort="attempts"]');
    const attempts = async () => (await page.locator("#failures tbody td.num").allTextContents()).map(Number);
    const isSorted = (xs: number[], dir: 1 | -1) => xs.every((x, i) => i === 0 || dir * (x - xs[i - 1]!) >= 0);

    const start = performance.now();
    await header.locator("button").click();
    await page.waitForFunction(() => document.querySelector('#failures th[data-sort="attempts"]')?.getAttribute("aria-sort") === "descending");
    console.log(`sort 50,000 rows by attempts: ${(performance.now() - start).toFixed(0)} ms`);
    const desc = await attempts();
    expect(desc).toHaveLength(500);
    expect(desc[0]).toBe(5);
    expect(isSorted(desc, -1)).toBe(true);

    await header.locator("button").click();
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    const asc = await attempts();
    expect(asc[0]).toBe(1);
    expect(isSorted(asc, 1)).toBe(true);

    // Sorting keeps the search filter.
    await page.fill("#search", "transient");
    await waitForMatching(page, 2_500);
    const filtered = await attempts();
    expect(isSorted(filtered, 1)).toBe(true);
    for (const k of await page.locator("#failures tbody .kind").allTextContents()) expect(k).toBe("transient");

    // Last failed, newest first.
    await page.locator('#failures th[data-sort="lastFailedAt"] button').click();
    const last = await page.locator("#failures tbody td.when").allTextContents();
    expect([...last].sort().reverse()).toEqual(last);
  });

  it("made no network requests and logged no errors; saves a screenshot", async () => {
    await open();
    await page.screenshot({ path: join(OUT_DIR, "html-report.png"), fullPage: true, clip: { x: 0, y: 0, width: 1360, height: 2300 } });
    console.log(`screenshot: ${join(OUT_DIR, "html-report.png")}`);
    expect(externalRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
