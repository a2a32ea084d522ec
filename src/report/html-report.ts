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
import { renderPassCharts, renderPassesSection } from "./passes-html.js";
import { renderDurationsSection, renderResultsPanel } from "./html-durations.js";
import { groupFailures, normaliseCause, type FailureGroup, type FailureRecord, type RunRecord } from "../core/index.js";
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
/** Runs drawn in the chart (the most recent). */
const MAX_CHART_RUNS = 60;
/** Error messages embedded per item are cut to this many characters (full text: failures.json). */
const MAX_ERROR_CHARS = 1_000;
/** Ids embedded are cut to this many characters. */
const MAX_ID_CHARS = 300;

/** Text as HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: `<` is written as
 * `\u003c`, so neither `</script` nor `<!--` can appear, and U+2028/U+2029 are escaped too.
 * `JSON.parse` of the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Compact numbers for chart axes: 950, 1.2k, 35k, 1.5M. */
function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const trim = (x: number) => x.toFixed(1).replace(/\.0$/, "");
  if (abs >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (abs >= 10_000) return `${Math.round(n / 1_000)}k`;
  if (abs >= 1_000) return `${trim(n / 1_000)}k`;
  return String(Math.round(n));
}

/** A "nice" axis: step from 1/2/2.5/5 × 10^k, top = the first step multiple ≥ max. */
function niceAxis(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / ticks;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const niceStep = step < 1 ? 1 : step;
  return { top: Math.max(niceStep, Math.ceil(max / niceStep) * niceStep), step: niceStep };
}

function renderRunsChart(runs: readonly RunRecord[], total: number, svgId = "runs-chart-svg"): string {
  if (runs.length === 0) return `<p class="empty">No runs recorded yet.</p>`;
  const cumulative: number[] = [];
  let sum = 0;
  for (const run of runs) {
    sum += Math.max(0, Number(run.succeeded) || 0);
    cumulative.push(sum);
  }
  const from = Math.max(0, runs.length - MAX_CHART_RUNS);
  const shown = runs.slice(from);
  const shownCum = cumulative.slice(from);

  const W = 880;
  const H = 250;
  const m = { left: 52, right: 60, top: 30, bottom: 30 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const perRunMax = Math.max(1, ...shown.map((r) => (Number(r.succeeded) || 0) + (Number(r.failed) || 0)));
  const left = niceAxis(perRunMax);
  const cumMax = Math.max(1, total, shownCum[shownCum.length - 1] ?? 0);
  const right = niceAxis(cumMax);
  const slot = plotW / shown.length;
  const barW = Math.max(1, Math.min(48, slot * 0.68));
  const yLeft = (v: number) => m.top + plotH - (plotH * v) / left.top;
  const yRight = (v: number) => m.top + plotH - (plotH * v) / right.top;
  const f = (x: number) => x.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg id="${escapeHtml(svgId)}" viewBox="0 0 ${W} ${H}" role="img" aria-label="Items done per run and cumulative total">`,
  );
  // Grid and left axis (per run).
  for (let v = 0; v <= left.top + 1e-9; v += left.step) {
    const y = f(yLeft(v));
    parts.push(`<line class="grid" x1="${m.left}" x2="${W - m.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="axis" x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatCompact(v)}</text>`);
  }
  // Right axis (cumulative).
  for (let v = 0; v <= right.top + 1e-9; v += right.step) {
    parts.push(
      `<text class="axis axis-cum" x="${W - m.right + 8}" y="${f(yRight(v))}" dominant-baseline="middle">${formatCompact(v)}</text>`,
    );
  }
  parts.push(`<text class="axis-title" x="${m.left - 8}" y="12" text-anchor="end">per run</text>`);
  parts.push(`<text class="axis-title axis-cum" x="${W - m.right + 8}" y="12">total done</text>`);
  // Target: the whole list.
  if (total > 0) {
    const y = f(yRight(total));
    parts.push(`<line class="target" x1="${m.left}" x2="${W - m.right}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="target-label" x="${W - m.right - 4}" y="${f(yRight(total) - 5)}" text-anchor="end">all ${escapeHtml(formatCount(total))} items</text>`,
    );
  }
  // Bars: succeeded, with failed stacked on top.
  const labelEvery = Math.max(1, Math.ceil(shown.length / 12));
  shown.forEach((run, i) => {
    const ok = Math.max(0, Number(run.succeeded) || 0);
    const bad = Math.max(0, Number(run.failed) || 0);
    const cx = m.left + slot * (i + 0.5);
    const x = f(cx - barW / 2);
    const label = run.runId === "local" ? "local run" : `run ${run.runId}${run.runAttempt > 1 ? ` attempt ${run.runAttempt}` : ""}`;
    const title = escapeHtml(
      `#${run.seq} (${label}, ${run.mode}) ${formatTimestamp(run.startedAt)}: ${formatCount(ok)} succeeded, ${formatCount(bad)} failed; ${formatCount(
        shownCum[i]!,
      )} done so far`,
    );
    parts.push(`<g class="run"><title>${title}</title>`);
    const yOk = yLeft(ok);
    parts.push(`<rect class="bar-ok" x="${x}" y="${f(yOk)}" width="${f(barW)}" height="${f(m.top + plotH - yOk)}"/>`);
    if (bad > 0) {
      const yBad = yLeft(ok + bad);
      parts.push(`<rect class="bar-failed" x="${x}" y="${f(yBad)}" width="${f(barW)}" height="${f(yOk - yBad)}"/>`);
    }
    parts.push(`</g>`);
    if (i % labelEvery === 0 || i === shown.length - 1) {
      parts.push(`<text class="axis" x="${f(cx)}" y="${H - m.bottom + 16}" text-anchor="middle">#${escapeHtml(String(run.seq))}</text>`);
    }
  });
  parts.push(`<line class="baseline" x1="${m.left}" x2="${W - m.right}" y1="${m.top + plotH}" y2="${m.top + plotH}"/>`);
  // Cumulative line with points.
  const points = shownCum.map((c, i) => `${f(m.left + slot * (i + 0.5))},${f(yRight(c))}`);
  parts.push(`<polyline class="cum-line" points="${points.join(" ")}"/>`);
  if (shown.length <= 80) {
    shownCum.forEach((c, i) => {
      parts.push(
        `<circle class="cum-point" cx="${f(m.left + slot * (i + 0.5))}" cy="${f(yRight(c))}" r="3"><title>${escapeHtml(
          `#${shown[i]!.seq}: ${formatCount(c)} done so far`,
        )}</title></circle>`,
      );
    });
  }
  parts.push(`</svg>`);
  const note =
    from > 0 ? `<p class="note">The last ${formatCount(shown.length)} of ${formatCount(runs.length)} runs; totals count every run.</p>` : "";
  return parts.join("") + note;
}

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

const STYLE = String.raw`
:root{color-scheme:light dark;--bg:#f6f7f9;--panel:#fff;--text:#1f2328;--muted:#59636e;--border:#d8dee4;
--accent:#2f6feb;--ok:#1f883d;--ok-soft:#dafbe1;--bad:#cf222e;--bad-soft:#ffebe9;--warn:#9a6700;--warn-soft:#fff8c5;
--chip:#eef1f4;--row-alt:#fafbfc;--shadow:0 1px 2px rgba(31,35,40,.06),0 1px 8px rgba(31,35,40,.04)}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--panel:#161b22;--text:#e6edf3;--muted:#9198a1;--border:#30363d;
--accent:#4493f8;--ok:#3fb950;--ok-soft:#12261e;--bad:#f85149;--bad-soft:#2d1517;--warn:#d29922;--warn-soft:#2b2111;
--chip:#21262d;--row-alt:#11161d;--shadow:none}}
*{box-sizing:border-box}
[hidden]{display:none!important}
.table-wrap{overflow-x:auto}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1240px;margin:0 auto;padding:28px 24px 64px}
h1{font-size:24px;margin:0 0 4px;font-weight:650}
h2{font-size:17px;margin:0 0 12px;font-weight:650}
code{font:12.5px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
.meta{color:var(--muted);margin:0}
.status{display:inline-block;margin:12px 0 0;padding:4px 10px;border-radius:999px;background:var(--chip);font-weight:600}
.status-complete{background:var(--ok-soft);color:var(--ok)}
.status-failure-rate,.status-handler-error,.status-signal{background:var(--bad-soft);color:var(--bad)}
.status-budget{background:var(--warn-soft);color:var(--warn)}
.panel{background:var(--panel);border:1px solid var(--border);border-radius:10px;padding:18px 20px;margin-top:20px;box-shadow:var(--shadow)}
.warning{margin-top:20px;border:2px solid var(--bad);background:var(--bad-soft);color:var(--text);border-radius:10px;padding:14px 18px}
.warning strong{color:var(--bad);font-size:15px}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:14px;margin-top:20px}
.card{background:var(--panel);border:1px solid var(--border);border-radius:10px;padding:14px 18px;box-shadow:var(--shadow)}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;font-weight:600}
.card .value{font-size:28px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.25;margin-top:2px}
.card .sub{color:var(--muted);font-size:12.5px}
.card.done .value{color:var(--ok)}.card.failed .value{color:var(--bad)}
.progress{display:flex;height:10px;border-radius:999px;overflow:hidden;background:var(--chip);margin-top:16px}
.progress .p-done{background:var(--ok)}.progress .p-failed{background:var(--bad)}
.this-run{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0;padding:0;list-style:none}
.this-run li{color:var(--muted)}.this-run b{color:var(--text);font-variant-numeric:tabular-nums}
.legend{display:flex;gap:18px;color:var(--muted);font-size:12.5px;margin:4px 0 6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.legend .l-line{height:3px;border-radius:2px;vertical-align:3px;width:14px}
svg{width:100%;height:auto;display:block}
svg .grid{stroke:var(--border);stroke-width:1;stroke-dasharray:2 3}
svg .baseline{stroke:var(--muted);stroke-width:1}
svg .axis,svg .axis-title{fill:var(--muted);font-size:11px;font-family:inherit}
svg .axis-title{font-size:10.5px;font-style:italic}
svg .axis-cum{fill:var(--accent)}
svg .bar-ok{fill:var(--ok);opacity:.8}
svg .bar-failed{fill:var(--bad);opacity:.85}
svg .run:hover rect{opacity:1}
svg .cum-line{fill:none;stroke:var(--accent);stroke-width:2.25;stroke-linejoin:round}
svg .cum-point{fill:var(--panel);stroke:var(--accent);stroke-width:2}
svg .target{stroke:var(--accent);stroke-dasharray:6 4;stroke-width:1;opacity:.6}
svg .target-label{fill:var(--accent);font-size:11px}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--border);vertical-align:top}
th{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;font-weight:600;white-space:nowrap;background:var(--panel)}
tbody tr:nth-child(even){background:var(--row-alt)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.when{white-space:nowrap;color:var(--muted);font-variant-numeric:tabular-nums}
#groups td.cause{min-width:240px;width:40%}
td.cause code{overflow-wrap:anywhere}
#groups td.when{white-space:normal;min-width:96px}
#groups td.examples{min-width:120px}
#groups td.num{min-width:90px}
td.examples code{display:inline-block;background:var(--chip);padding:0 6px;border-radius:4px;margin:1px 2px 1px 0;max-width:22ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}
.count{font-weight:600}
.share{display:block;height:4px;background:var(--chip);border-radius:2px;margin-top:5px;min-width:60px}
.share span{display:block;height:100%;background:var(--bad);border-radius:2px}
.kind{display:inline-block;font-size:12px;padding:1px 8px;border-radius:999px;background:var(--chip);white-space:nowrap}
.kind-permanent{background:var(--bad-soft);color:var(--bad)}
.kind-transient{background:var(--warn-soft);color:var(--warn)}
.kind-timeout{background:#ddf4ff;color:#0969da}
.kind-quarantined{background:#f3e8ff;color:#8250df}
@media (prefers-color-scheme:dark){.kind-timeout{background:#0c2d6b;color:#79c0ff}.kind-quarantined{background:#2a1a4a;color:#d2a8ff}}
button{font:inherit;color:inherit}
.linkish{background:none;border:0;padding:0;color:var(--accent);cursor:pointer;white-space:nowrap}
.linkish:hover{text-decoration:underline}
.toolbar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:12px}
#search{flex:1 1 320px;min-width:200px;padding:8px 12px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--text);font:inherit}
#search:focus,#group-filter:focus{outline:2px solid var(--accent);outline-offset:-1px}
#group-filter{max-width:380px;padding:8px 10px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--text);font:inherit}
#shown-count{color:var(--muted);font-variant-numeric:tabular-nums;margin-left:auto}
#failures{table-layout:fixed;min-width:720px}
#failures col.c-id{width:22%}#failures col.c-kind{width:110px}#failures col.c-att{width:96px}#failures col.c-last{width:190px}
#failures th[data-sort]{padding:0}
#failures th[data-sort] button{all:unset;box-sizing:border-box;display:block;width:100%;padding:7px 10px;cursor:pointer}
#failures th.num[data-sort] button{text-align:right}
#failures th[data-sort] button:hover{color:var(--text)}
#failures th[data-sort] button:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
#failures th[aria-sort] .arrow{opacity:.35}
#failures th[aria-sort=ascending] .arrow,#failures th[aria-sort=descending] .arrow{opacity:1;color:var(--accent)}
#failures td.id code{word-break:break-all}
#failures td.err{cursor:pointer}
#failures td{line-height:20px}
#failures td.err div{font:12.5px/20px ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;word-break:break-word;white-space:pre-wrap}
#failures td.err.open div{display:block;-webkit-line-clamp:unset}
.more{display:block;margin:14px auto 0;padding:8px 18px;border:1px solid var(--border);border-radius:8px;background:var(--panel);cursor:pointer}
.more:hover{border-color:var(--accent);color:var(--accent)}
.empty,.note{color:var(--muted)}
.note{font-size:12.5px;margin:10px 0 0}
.hint{margin-top:20px;padding:12px 16px;border-left:4px solid var(--accent);background:var(--panel);border-radius:6px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
footer{color:var(--muted);font-size:12px;margin-top:28px;text-align:center}
@media (max-width:760px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}#failures col.c-last{width:120px}}
`;

/**
 * The client: filter (debounced), sort, page. Only `textContent` is ever set from data.
 * Written as ES2017 without template literals so it can live in this string unchanged.
 */
const SCRIPT = String.raw`(function () {
"use strict";
var t0 = performance.now();
var data = JSON.parse(document.getElementById("report-data").textContent);
var rows = data.rows, kinds = data.kinds, errors = data.errors, causes = data.causes;
var PAGE = data.pageSize || 500;
var N = rows.length;
var tbody = document.querySelector("#failures tbody");
var search = document.getElementById("search");
var groupSel = document.getElementById("group-filter");
var shown = document.getElementById("shown-count");
var moreBtn = document.getElementById("show-more");
var heads = document.querySelectorAll("#failures th[data-sort]");
var state = { q: "", group: -1, key: "", dir: 1, limit: PAGE };
var hay = null, sorted = {}, matching = null;
var COL = { id: 0, kind: 1, attempts: 2, lastFailedAt: 6 };
var collator = typeof Intl !== "undefined" ? new Intl.Collator(undefined, { numeric: true, sensitivity: "base" }) : null;

function fmt(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
function when(iso) {
  var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso || "");
  return m ? m[1] + " " + m[2] + (m[3] === "Z" ? " UTC" : (m[3] || "")) : (iso || "\u2013");
}
function baseOrder() { var a = new Array(N); for (var i = 0; i < N; i++) a[i] = i; return a; }
function orderFor(key) {
  if (!key) return sorted[""] || (sorted[""] = baseOrder());
  if (sorted[key]) return sorted[key];
  var c = COL[key], a = baseOrder(), cmp;
  if (key === "attempts") cmp = function (x, y) { return rows[x][c] - rows[y][c] || x - y; };
  else if (key === "kind") cmp = function (x, y) { var p = kinds[rows[x][c]], q = kinds[rows[y][c]]; return p < q ? -1 : p > q ? 1 : x - y; };
  else if (key === "id" && collator) cmp = function (x, y) { return collator.compare(rows[x][c], rows[y][c]) || x - y; };
  else cmp = function (x, y) { var p = rows[x][c], q = rows[y][c]; return p < q ? -1 : p > q ? 1 : x - y; };
  a.sort(cmp);
  return (sorted[key] = a);
}
function haystack() {
  if (hay) return hay;
  hay = new Array(N);
  for (var i = 0; i < N; i++) { var r = rows[i]; hay[i] = (r[0] + "\n" + errors[r[4]] + "\n" + kinds[r[1]]).toLowerCase(); }
  return hay;
}
function compute() {
  var order = orderFor(state.key);
  if (state.dir < 0) order = order.slice().reverse();
  var q = state.q, g = state.group;
  if (!q && g < 0) { matching = order; return; }
  var h = q ? haystack() : null, out = [];
  var terms = q ? q.split(/\s+/).filter(Boolean) : [];
  for (var k = 0; k < order.length; k++) {
    var i = order[k];
    if (g >= 0 && rows[i][7] !== g) continue;
    var ok = true;
    for (var t = 0; t < terms.length; t++) { if (h[i].indexOf(terms[t]) < 0) { ok = false; break; } }
    if (ok) out.push(i);
  }
  matching = out;
}
function cell(tr, cls, text) { var td = document.createElement("td"); if (cls) td.className = cls; if (text !== undefined) td.textContent = text; tr.appendChild(td); return td; }
function render() {
  var frag = document.createDocumentFragment();
  var n = Math.min(state.limit, matching.length);
  for (var k = 0; k < n; k++) {
    var r = rows[matching[k]];
    var tr = document.createElement("tr");
    var idTd = cell(tr, "id"); var code = document.createElement("code"); code.textContent = r[0]; idTd.appendChild(code);
    var kindTd = cell(tr, ""); var span = document.createElement("span"); var kind = kinds[r[1]];
    span.className = "kind kind-" + (/^[a-z-]+$/.test(kind) ? kind : "other"); span.textContent = kind; kindTd.appendChild(span);
    var att = cell(tr, "num", fmt(r[2]));
    att.title = r[3] ? r[2] + " attempts in " + r[3] + (r[3] === 1 ? " run" : " runs") : r[2] + " attempts";
    var errTd = cell(tr, "err"); var div = document.createElement("div"); div.textContent = errors[r[4]]; errTd.appendChild(div);
    errTd.title = "Click to expand";
    var last = cell(tr, "when", when(r[6])); last.title = "first failed " + when(r[5]);
    frag.appendChild(tr);
  }
  tbody.textContent = "";
  tbody.appendChild(frag);
  shown.textContent = matching.length === N
    ? "Showing " + fmt(n) + " of " + fmt(N)
    : "Showing " + fmt(n) + " of " + fmt(matching.length) + " matching (" + fmt(N) + " in all)";
  shown.setAttribute("data-shown", String(n));
  shown.setAttribute("data-matching", String(matching.length));
  var rest = matching.length - n;
  moreBtn.hidden = rest <= 0;
  moreBtn.textContent = "Show " + fmt(Math.min(PAGE, rest)) + " more (" + fmt(rest) + " left)";
}
function update() { state.limit = PAGE; compute(); render(); }
var timer = 0;
search.addEventListener("input", function () {
  clearTimeout(timer);
  timer = setTimeout(function () { var q = search.value.trim().toLowerCase(); if (q !== state.q) { state.q = q; update(); } }, 150);
});
search.addEventListener("keydown", function (e) {
  if (e.key === "Enter") { clearTimeout(timer); state.q = search.value.trim().toLowerCase(); update(); }
  if (e.key === "Escape") { search.value = ""; clearTimeout(timer); state.q = ""; update(); }
});
groupSel.addEventListener("change", function () { state.group = groupSel.value === "" ? -1 : Number(groupSel.value); update(); });
document.addEventListener("click", function (e) {
  var t = e.target;
  var btn = t.closest ? t.closest("[data-group-filter]") : null;
  if (btn) {
    var g = btn.getAttribute("data-group-filter");
    if (!groupSel.querySelector('option[value="' + g + '"]')) {
      var o = document.createElement("option"); o.value = g; o.textContent = causes[Number(g)]; groupSel.appendChild(o);
    }
    groupSel.value = g; state.group = Number(g); update();
    document.getElementById("failed-items").scrollIntoView({ behavior: "smooth", block: "start" });
    return;
  }
  var err = t.closest ? t.closest("#failures td.err") : null;
  if (err && !(window.getSelection && String(window.getSelection()).length)) err.classList.toggle("open");
});
for (var i = 0; i < heads.length; i++) {
  heads[i].querySelector("button").addEventListener("click", (function (th) {
    return function () {
      var key = th.getAttribute("data-sort");
      if (state.key === key) state.dir = -state.dir;
      else { state.key = key; state.dir = th.getAttribute("data-first") === "desc" ? -1 : 1; }
      for (var j = 0; j < heads.length; j++) heads[j].setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      update();
    };
  })(heads[i]));
}
moreBtn.addEventListener("click", function () { state.limit += PAGE; render(); });
document.addEventListener("keydown", function (e) {
  if (e.key === "/" && document.activeElement !== search && !(e.target && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName))) { e.preventDefault(); search.focus(); }
});
compute();
render();
var root = document.documentElement;
root.setAttribute("data-render-ms", String(Math.round(performance.now() - t0)));
root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
root.setAttribute("data-ready", "true");
})();`;

const SCRIPT_HASH = createHash("sha256").update(SCRIPT, "utf8").digest("base64");

/**
 * The HTML report as one self-contained page: this run's counts and overall progress, a
 * chart of items done per run with the cumulative total, the failure causes, and a
 * searchable, sortable, paged table of every failed item.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { thisRun, totals } = input;
  const failures = input.failures ?? [];
  const runs = input.runs ?? [];
  const groups = groupFailures(failures);
  const data = buildData(failures, groups);
  const title = truncateText(input.title || "resumable-batch report", 200);
  const stop = describeStopReason(thisRun.stopReason, totals.remaining);
  const donePct = totals.total > 0 ? Math.min(100, (100 * totals.done) / totals.total) : 0;
  const failedPct = totals.total > 0 ? Math.min(100 - donePct, (100 * totals.failed) / totals.total) : 0;
  const source = describeStateSource(input.stateSource);
  const detail = input.stateSourceDetail ? ` (${escapeHtml(truncateText(input.stateSourceDetail, 500))})` : "";

  const groupOptions = groups
    .slice(0, MAX_GROUP_OPTIONS)
    .map((g, i) => `<option value="${i}">${escapeHtml(truncateText(g.cause, 90))} (${formatCount(g.count)})</option>`)
    .join("");

  const warning = input.freshStartWarning
    ? `<div class="warning" role="alert" id="fresh-start-warning"><strong>Fresh start: earlier state could not be restored.</strong> ` +
      `Work already done may be repeated.<br>${escapeHtml(truncateText(input.freshStartWarning, 2_000))}</div>`
    : "";
  const hint =
    input.retryHint && failures.length > 0
      ? `<div class="hint"><strong>Retrying failures:</strong> ${escapeHtml(truncateText(input.retryHint, 2_000))}</div>`
      : "";

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

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="resumable-batch">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Generated <time datetime="${escapeHtml(input.generatedAt)}">${escapeHtml(formatTimestamp(input.generatedAt))}</time> · ${escapeHtml(source)}${detail}</p>
<p class="status status-${escapeHtml(thisRun.stopReason)}" id="stop-reason">${escapeHtml(stop)}</p>
</header>
${warning}
<section class="cards" aria-label="Overall progress">
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
<li>Failed <b id="run-failed">${formatCount(thisRun.failed)}</b></li>
<li>Duration <b id="run-duration">${escapeHtml(formatDuration(thisRun.durationMs))}</b></li>
<li>Stopped <b>${escapeHtml(thisRun.stopReason)}</b></li>
</ul>
</section>
<section class="panel" id="runs">
<h2>Progress across runs</h2>
<div class="legend"><span><i style="background:var(--ok)"></i>succeeded per run</span><span><i style="background:var(--bad)"></i>failed per run</span><span><i class="l-line" style="background:var(--accent)"></i>total done (right axis)</span></div>
${input.passes && input.passes.length > 1 ? renderPassCharts(input.passes, runs, renderRunsChart) : renderRunsChart(runs, totals.total)}
</section>
${input.passes ? renderPassesSection(input.passes, runs, input.passNote) : ""}
<section class="panel" id="causes">
<h2>Failure causes</h2>
${renderGroupsTable(groups, failures.length)}
</section>
<section class="panel" id="failed-items">
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
</section>
${renderResultsPanel(input.results)}
${renderDurationsSection(input.durations)}
${hint}
<footer>resumable-batch · ${formatCount(runs.length)} ${runs.length === 1 ? "run" : "runs"} recorded</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
