/**
 * The HTML report: one self-contained file that is uploaded with the run's artifact and
 * opened from the downloaded zip (file://). No network: inline CSS, inline JS, inline SVG.
 *
 * The failed items travel as JSON inside `<script type="application/json">` and the page
 * renders them 500 at a time, so 50,000 failures stay responsive. Everything taken from
 * items (ids, errors) is hostile input: the server-rendered parts are HTML-escaped, the JSON
 * has every `<` written as `\u003c` so it cannot close its script element, and the client
 * only ever sets `textContent`. A Content-Security-Policy allows only the report's own
 * script (by hash) and no network at all, as a second line of defence.
 *
 * Pure: no I/O.
 */
import { createHash } from "node:crypto";
import { escapeHtml, jsonForScript } from "./html-escape.js";
import { HTML_REPORT_SCRIPT as SCRIPT } from "./html-report-script.js";
import { HTML_REPORT_STYLE as STYLE } from "./html-report-style.js";
import { renderPassCharts, renderPassesSection } from "./passes-html.js";
import { renderDurationsSection, renderResultsPanel } from "./html-durations.js";
import { renderRunsChart } from "./html-runs-chart.js";
import { groupFailures, normaliseCause, type FailureGroup, type FailureRecord } from "../core/index.js";
import {
  describeStateSource,
  describeStopReason,
  formatCount,
  formatDuration,
  formatPercent,
  formatTimestamp,
  truncateText,
  type RunSummaryInput,
} from "./markdown.js";

/** What the HTML report shows: the run summary plus when the report was made. */
export type HtmlReportInput = RunSummaryInput & {
  /** ISO 8601 time the report was generated (passed in: the renderer reads no clock). */
  generatedAt: string;
};

/** Rows the page renders at once, and per "show more". */
const PAGE_SIZE = 500;
/** Cause groups listed in the groups table. */
const MAX_GROUP_ROWS = 50;
/** Causes offered in the cause filter. */
const MAX_GROUP_OPTIONS = 200;
/** Error messages embedded per item are cut to this many characters (full text: failures.json). */
const MAX_ERROR_CHARS = 1_000;
/** Ids embedded are cut to this many characters. */
const MAX_ID_CHARS = 300;

export { escapeHtml, jsonForScript } from "./html-escape.js";

function kindBadge(kind: string): string {
  const safe = /^[a-z-]+$/.test(kind) ? kind : "other";
  return `<span class="kind kind-${safe}">${escapeHtml(kind)}</span>`;
}

/** A timestamp for a narrow column whose header says "(UTC)". */
function shortTimestamp(iso: string): string {
  return formatTimestamp(iso).replace(/ UTC$/, "");
}

function renderGroupsTable(groups: readonly FailureGroup[], totalFailures: number): string {
  if (groups.length === 0) return `<p class="empty">No failed items.</p>`;
  const rows = groups.slice(0, MAX_GROUP_ROWS).map((g, i) => {
    const share = totalFailures > 0 ? (100 * g.count) / totalFailures : 0;
    const examples = g.exampleIds.map((id) => `<code>${escapeHtml(truncateText(id, 80))}</code>`).join(" ");
    return (
      `<tr data-group="${i}">` +
      `<td class="cause"><code>${escapeHtml(g.cause)}</code></td>` +
      `<td class="num"><span class="count">${formatCount(g.count)}</span>` +
      `<span class="share" title="${escapeHtml(formatPercent(g.count, totalFailures))} of failures"><span style="width:${share.toFixed(1)}%"></span></span></td>` +
      `<td>${kindBadge(g.kind)}</td>` +
      `<td class="examples">${examples}</td>` +
      `<td class="when">${escapeHtml(shortTimestamp(g.firstFailedAt))}</td>` +
      `<td class="when">${escapeHtml(shortTimestamp(g.lastFailedAt))}</td>` +
      `<td><button type="button" class="linkish" data-group-filter="${i}">Show items</button></td>` +
      `</tr>`
    );
  });
  const more =
    groups.length > MAX_GROUP_ROWS
      ? `<p class="note">…and ${formatCount(groups.length - MAX_GROUP_ROWS)} more causes (${formatCount(
          groups.slice(MAX_GROUP_ROWS).reduce((s, g) => s + g.count, 0),
        )} items); all failures are in the table below and in failures.json.</p>`
      : "";
  return (
    `<div class="table-wrap"><table id="groups"><thead><tr><th>Cause</th><th class="num">Items</th><th>Kind</th><th>Example ids</th>` +
    `<th>First seen (UTC)</th><th>Last seen (UTC)</th><th><span class="sr-only">Filter</span></th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></div>${more}`
  );
}

/** The embedded data: compact arrays, with kinds, causes and error texts stored once. */
interface EmbeddedData {
  kinds: string[];
  causes: string[];
  errors: string[];
  /** [id, kind index, attempts, runs, error index, firstFailedAt, lastFailedAt, cause index] */
  rows: [string, number, number, number, number, string, string, number][];
  pageSize: number;
}

function buildData(failures: readonly FailureRecord[], groups: readonly FailureGroup[]): EmbeddedData {
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const causeIndex = new Map<string, number>();
  groups.forEach((g, i) => causeIndex.set(g.cause, i));
  const errors: string[] = [];
  const errorIndex = new Map<string, number>();
  const errorCause = new Map<string, number>();
  const rows: EmbeddedData["rows"] = [];
  for (const f of failures) {
    const kind = String(f.kind);
    let k = kindIndex.get(kind);
    if (k === undefined) {
      k = kinds.push(kind) - 1;
      kindIndex.set(kind, k);
    }
    const message = typeof f.error === "string" ? f.error : String(f.error ?? "");
    let e = errorIndex.get(message);
    if (e === undefined) {
      e = errors.push(truncateText(message, MAX_ERROR_CHARS)) - 1;
      errorIndex.set(message, e);
      errorCause.set(message, causeIndex.get(normaliseCause(message)) ?? -1);
    }
    rows.push([
      truncateText(String(f.id), MAX_ID_CHARS),
      k,
      Number(f.attempts) || 0,
      Number(f.runs) || 0,
      e,
      String(f.firstFailedAt ?? ""),
      String(f.lastFailedAt ?? ""),
      errorCause.get(message)!,
    ]);
  }
  return { kinds, causes: groups.map((g) => g.cause), errors, rows, pageSize: PAGE_SIZE };
}

const SCRIPT_HASH = createHash("sha256").update(SCRIPT, "utf8").digest("base64");

/**
 * The HTML report as one self-contained page: this run's counts and overall progress, a
 * chart of items done per run with the cumulative total, the failure causes, and a
 * searchable, sortable, paged table of every failed item.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const failures = input.failures ?? [];
  const runs = input.runs ?? [];
  const groups = groupFailures(failures);
  const title = truncateText(input.title || "resumable-batch report", 200);
  return `<!doctype html>
<html lang="en">
${renderHead(title)}
<body>
<main>
${renderHeader(input, title)}
${renderOverview(input, groups)}
<section class="panel" id="runs">
<h2>Progress across runs</h2>
<div class="legend"><span><i style="background:var(--ok)"></i>succeeded per run</span><span><i style="background:var(--bad)"></i>failed per run</span><span><i class="l-line" style="background:var(--accent)"></i>total done (right axis)</span></div>
${input.passes && input.passes.length > 1 ? renderPassCharts(input.passes, runs, renderRunsChart) : renderRunsChart(runs, input.totals.total)}
</section>
${input.passes ? renderPassesSection(input.passes, runs, input.passNote) : ""}
<section class="panel" id="causes">
<h2>Failure causes</h2>
${renderGroupsTable(groups, failures.length)}
</section>
${renderFailedItems(failures, groups)}
${renderResultsPanel(input.results)}
${renderDurationsSection(input.durations)}
${input.retryHint && failures.length > 0 ? `<div class="hint"><strong>Retrying failures:</strong> ${escapeHtml(truncateText(input.retryHint, 2_000))}</div>` : ""}
<footer>resumable-batch · ${formatCount(runs.length)} ${runs.length === 1 ? "run" : "runs"} recorded</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(buildData(failures, groups))}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The page's head: a Content-Security-Policy that lets only the report's own script run
 * (by its hash) and loads nothing, and the inline stylesheet.
 */
function renderHead(title: string): string {
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${SCRIPT_HASH}'`,
    // Inline style attributes (bar widths) need 'unsafe-inline'; styles cannot load anything
    // because every fetch directive falls back to default-src 'none'.
    "style-src 'unsafe-inline'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return `<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="resumable-batch">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>`;
}

/** Title, when and from what state, why the run stopped, and the fresh-start warning. */
function renderHeader(input: HtmlReportInput, title: string): string {
  const { thisRun, totals } = input;
  const stop = describeStopReason(thisRun.stopReason, totals.remaining);
  const source = describeStateSource(input.stateSource);
  const detail = input.stateSourceDetail ? ` (${escapeHtml(truncateText(input.stateSourceDetail, 500))})` : "";
  const warning = input.freshStartWarning
    ? `<div class="warning" role="alert" id="fresh-start-warning"><strong>Fresh start: earlier state could not be restored.</strong> ` +
      `Work already done may be repeated.<br>${escapeHtml(truncateText(input.freshStartWarning, 2_000))}</div>`
    : "";
  return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Generated <time datetime="${escapeHtml(input.generatedAt)}">${escapeHtml(formatTimestamp(input.generatedAt))}</time> · ${escapeHtml(source)}${detail}</p>
<p class="status status-${escapeHtml(thisRun.stopReason)}" id="stop-reason">${escapeHtml(stop)}</p>
</header>
${warning}`;
}

/** The cards (total, done, failed, remaining), the progress bar and this run's figures. */
function renderOverview(input: HtmlReportInput, groups: readonly FailureGroup[]): string {
  const { thisRun, totals } = input;
  const donePct = totals.total > 0 ? Math.min(100, (100 * totals.done) / totals.total) : 0;
  const failedPct = totals.total > 0 ? Math.min(100 - donePct, (100 * totals.failed) / totals.total) : 0;
  return `<section class="cards" aria-label="Overall progress">
<div class="card"><div class="label">Total items</div><div class="value" id="count-total">${formatCount(totals.total)}</div><div class="sub">across all runs</div></div>
<div class="card done"><div class="label">Done</div><div class="value" id="count-done">${formatCount(totals.done)}</div><div class="sub">${formatPercent(totals.done, totals.total)} of all items</div></div>
<div class="card failed"><div class="label">Failed</div><div class="value" id="count-failed">${formatCount(totals.failed)}</div><div class="sub">${formatPercent(totals.failed, totals.total)} · in ${formatCount(groups.length)} ${groups.length === 1 ? "cause" : "causes"}</div></div>
<div class="card"><div class="label">Remaining</div><div class="value" id="count-remaining">${formatCount(totals.remaining)}</div><div class="sub">${totals.remaining > 0 ? "the next run continues" : "nothing left to start"}</div></div>
</section>
<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${donePct.toFixed(1)}" title="${escapeHtml(formatPercent(totals.done, totals.total))} done"><span class="p-done" style="width:${donePct.toFixed(2)}%"></span><span class="p-failed" style="width:${failedPct.toFixed(2)}%"></span></div>
<section class="panel" id="this-run">
<h2>This run</h2>
<ul class="this-run">
<li>Processed <b id="run-processed">${formatCount(thisRun.processed)}</b></li>
<li>Succeeded <b id="run-succeeded">${formatCount(thisRun.succeeded)}</b></li>
<li>Failed <b id="run-failed">${formatCount(thisRun.failed)}</b></li>${
    thisRun.changed
      ? `
<li>Changed since done <b id="run-changed">${formatCount(thisRun.changed)}</b></li>`
      : ""
  }
<li>Duration <b id="run-duration">${escapeHtml(formatDuration(thisRun.durationMs))}</b></li>
<li>Stopped <b>${escapeHtml(thisRun.stopReason)}</b></li>
</ul>
</section>`;
}

/** The failed items' table: empty here, filled by the client script from the embedded data. */
function renderFailedItems(failures: readonly FailureRecord[], groups: readonly FailureGroup[]): string {
  const groupOptions = groups
    .slice(0, MAX_GROUP_OPTIONS)
    .map((g, i) => `<option value="${i}">${escapeHtml(truncateText(g.cause, 90))} (${formatCount(g.count)})</option>`)
    .join("");
  return `<section class="panel" id="failed-items">
<h2>Failed items</h2>
<div class="toolbar">
<input type="search" id="search" placeholder="Filter by id, error or kind (press /)" autocomplete="off" spellcheck="false" aria-label="Filter failed items">
<select id="group-filter" aria-label="Filter by cause"><option value="">All causes</option>${groupOptions}</select>
<span id="shown-count" aria-live="polite" data-shown="0" data-matching="${failures.length}"></span>
</div>
<div class="table-wrap">
<table id="failures">
<colgroup><col class="c-id"><col class="c-kind"><col class="c-att"><col class="c-err"><col class="c-last"></colgroup>
<thead><tr>
<th data-sort="id" aria-sort="none"><button type="button">Id <span class="arrow">↕</span></button></th>
<th data-sort="kind" aria-sort="none"><button type="button">Kind <span class="arrow">↕</span></button></th>
<th data-sort="attempts" data-first="desc" aria-sort="none" class="num"><button type="button">Attempts <span class="arrow">↕</span></button></th>
<th>Error</th>
<th data-sort="lastFailedAt" data-first="desc" aria-sort="none"><button type="button">Last failed <span class="arrow">↕</span></button></th>
</tr></thead>
<tbody></tbody>
</table>
</div>
<noscript><p class="note">The table needs JavaScript; every failure is also in failures.json.</p></noscript>
<button type="button" id="show-more" class="more" hidden>Show more</button>
${failures.length === 0 ? `<p class="empty">No failed items.</p>` : `<p class="note">Errors are cut to ${formatCount(MAX_ERROR_CHARS)} characters here; failures.json has them in full.</p>`}
</section>`;
}
