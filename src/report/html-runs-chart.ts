/**
 * The HTML report's chart of runs: items done per run as bars (failed stacked on top), the
 * cumulative total as a line on a right-hand axis, and the whole list as a target line.
 * Inline SVG, so the page loads nothing.
 */
import { formatCount, formatTimestamp } from "./markdown-format.js";
import { escapeHtml } from "./html-escape.js";
import type { RunRecord } from "../core/index.js";

/** Runs drawn in the chart (the most recent). */
const MAX_CHART_RUNS = 60;
/** Size of the drawing in SVG units, and the margins that hold the axes' labels. */
const WIDTH = 880;
const HEIGHT = 250;
const MARGIN = { left: 52, right: 60, top: 30, bottom: 30 };
/** Widest bar, and a bar's share of its slot. */
const MAX_BAR_WIDTH = 48;
const BAR_SHARE = 0.68;
/** About this many run labels under the bars. */
const RUN_LABELS = 12;
/** Up to this many runs, each point of the cumulative line gets a circle with a tooltip. */
const MAX_POINTS_MARKED = 80;

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

/** Where things go: the runs shown, the two axes and the scales onto them. */
interface ChartLayout {
  shown: readonly RunRecord[];
  /** Items done up to and including each shown run (earlier runs counted). */
  shownCum: number[];
  plotH: number;
  slot: number;
  barW: number;
  left: { top: number; step: number };
  right: { top: number; step: number };
  yLeft: (v: number) => number;
  yRight: (v: number) => number;
}

/** One decimal: SVG coordinates. */
const f = (x: number) => x.toFixed(1);

export function renderRunsChart(runs: readonly RunRecord[], total: number, svgId = "runs-chart-svg"): string {
  if (runs.length === 0) return `<p class="empty">No runs recorded yet.</p>`;
  const from = Math.max(0, runs.length - MAX_CHART_RUNS);
  const layout = layoutChart(runs, from, total);
  const parts: string[] = [
    `<svg id="${escapeHtml(svgId)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Items done per run and cumulative total">`,
    ...renderAxes(layout),
    ...renderTarget(layout, total),
    ...renderBars(layout),
    `<line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + layout.plotH}" y2="${MARGIN.top + layout.plotH}"/>`,
    ...renderCumulativeLine(layout),
    `</svg>`,
  ];
  const note =
    from > 0 ? `<p class="note">The last ${formatCount(layout.shown.length)} of ${formatCount(runs.length)} runs; totals count every run.</p>` : "";
  return parts.join("") + note;
}

function layoutChart(runs: readonly RunRecord[], from: number, total: number): ChartLayout {
  const cumulative: number[] = [];
  let sum = 0;
  for (const run of runs) {
    sum += Math.max(0, Number(run.succeeded) || 0);
    cumulative.push(sum);
  }
  const shown = runs.slice(from);
  const shownCum = cumulative.slice(from);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const perRunMax = Math.max(1, ...shown.map((r) => (Number(r.succeeded) || 0) + (Number(r.failed) || 0)));
  const left = niceAxis(perRunMax);
  const right = niceAxis(Math.max(1, total, shownCum[shownCum.length - 1] ?? 0));
  const slot = plotW / shown.length;
  return {
    shown,
    shownCum,
    plotH,
    slot,
    left,
    right,
    barW: Math.max(1, Math.min(MAX_BAR_WIDTH, slot * BAR_SHARE)),
    yLeft: (v: number) => MARGIN.top + plotH - (plotH * v) / left.top,
    yRight: (v: number) => MARGIN.top + plotH - (plotH * v) / right.top,
  };
}

/** Grid and left axis (per run), right axis (cumulative), and their titles. */
function renderAxes({ left, right, yLeft, yRight }: ChartLayout): string[] {
  const parts: string[] = [];
  for (let v = 0; v <= left.top + 1e-9; v += left.step) {
    const y = f(yLeft(v));
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="axis" x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatCompact(v)}</text>`);
  }
  for (let v = 0; v <= right.top + 1e-9; v += right.step) {
    parts.push(
      `<text class="axis axis-cum" x="${WIDTH - MARGIN.right + 8}" y="${f(yRight(v))}" dominant-baseline="middle">${formatCompact(v)}</text>`,
    );
  }
  parts.push(`<text class="axis-title" x="${MARGIN.left - 8}" y="12" text-anchor="end">per run</text>`);
  parts.push(`<text class="axis-title axis-cum" x="${WIDTH - MARGIN.right + 8}" y="12">total done</text>`);
  return parts;
}

/** Target: the whole list. */
function renderTarget({ yRight }: ChartLayout, total: number): string[] {
  if (total <= 0) return [];
  const y = f(yRight(total));
  return [
    `<line class="target" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`,
    `<text class="target-label" x="${WIDTH - MARGIN.right - 4}" y="${f(yRight(total) - 5)}" text-anchor="end">all ${escapeHtml(formatCount(total))} items</text>`,
  ];
}

/** Bars: succeeded, with failed stacked on top, and a label under every few. */
function renderBars({ shown, shownCum, plotH, slot, barW, yLeft }: ChartLayout): string[] {
  const parts: string[] = [];
  const labelEvery = Math.max(1, Math.ceil(shown.length / RUN_LABELS));
  shown.forEach((run, i) => {
    const ok = Math.max(0, Number(run.succeeded) || 0);
    const bad = Math.max(0, Number(run.failed) || 0);
    const cx = MARGIN.left + slot * (i + 0.5);
    const x = f(cx - barW / 2);
    const label = run.runId === "local" ? "local run" : `run ${run.runId}${run.runAttempt > 1 ? ` attempt ${run.runAttempt}` : ""}`;
    const title = escapeHtml(
      `#${run.seq} (${label}, ${run.mode}) ${formatTimestamp(run.startedAt)}: ${formatCount(ok)} succeeded, ${formatCount(bad)} failed; ${formatCount(
        shownCum[i]!,
      )} done so far`,
    );
    parts.push(`<g class="run"><title>${title}</title>`);
    const yOk = yLeft(ok);
    parts.push(`<rect class="bar-ok" x="${x}" y="${f(yOk)}" width="${f(barW)}" height="${f(MARGIN.top + plotH - yOk)}"/>`);
    if (bad > 0) {
      const yBad = yLeft(ok + bad);
      parts.push(`<rect class="bar-failed" x="${x}" y="${f(yBad)}" width="${f(barW)}" height="${f(yOk - yBad)}"/>`);
    }
    parts.push(`</g>`);
    if (i % labelEvery === 0 || i === shown.length - 1) {
      parts.push(`<text class="axis" x="${f(cx)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">#${escapeHtml(String(run.seq))}</text>`);
    }
  });
  return parts;
}

/** Cumulative line, with points when there are few enough runs to tell apart. */
function renderCumulativeLine({ shown, shownCum, slot, yRight }: ChartLayout): string[] {
  const points = shownCum.map((c, i) => `${f(MARGIN.left + slot * (i + 0.5))},${f(yRight(c))}`);
  const parts = [`<polyline class="cum-line" points="${points.join(" ")}"/>`];
  if (shown.length <= MAX_POINTS_MARKED) {
    shownCum.forEach((c, i) => {
      parts.push(
        `<circle class="cum-point" cx="${f(MARGIN.left + slot * (i + 0.5))}" cy="${f(yRight(c))}" r="3"><title>${escapeHtml(
          `#${shown[i]!.seq}: ${formatCount(c)} done so far`,
        )}</title></circle>`,
      );
    });
  }
  return parts;
}
