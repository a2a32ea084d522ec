/**
 * The HTML report's passes: a table of every pass, and the progress chart drawn once per
 * pass (its runs, its own cumulative line), newest first. Item text never appears here:
 * only numbers and timestamps, escaped all the same.
 */
import type { PassSummary, RunRecord } from "../core/index.js";
import { passRows, runsOfPass, totalOfPass } from "./passes.js";

/** Passes given a chart of their own (the most recent). */
const MAX_PASS_CHARTS = 4;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** The passes section: where the current pass stands, then one row per pass. */
export function renderPassesSection(passes: readonly PassSummary[], runs: readonly RunRecord[], passNote: string | undefined): string {
  const current = passes[passes.length - 1];
  if (!current) return "";
  const rows = passRows(passes, runs, current.pass)
    .map(
      (r) =>
        `<tr${r.pass === current.pass ? ' class="current"' : ""}><td class="num">${r.pass}</td><td>${escape(r.started)}</td><td>${escape(r.completed)}</td>` +
        `<td class="num">${escape(r.succeeded)}</td><td class="num">${escape(r.failed)}</td><td class="num">${escape(r.duration)}</td><td class="num">${escape(r.runs)}</td></tr>`,
    )
    .join("");
  const note = passNote ? `<p id="pass-note">${escape(passNote.charAt(0).toUpperCase() + passNote.slice(1))}.</p>` : "";
  return `<section class="panel" id="passes">
<h2>Passes</h2>
${note}<table class="passes"><thead><tr><th>Pass</th><th>Started (UTC)</th><th>Completed (UTC)</th><th>Succeeded</th><th>Failed</th><th>Duration</th><th>Runs</th></tr></thead>
<tbody>${rows}</tbody></table>
</section>`;
}

/** The progress chart once per pass, newest first; the current pass's keeps the report's chart id. */
export function renderPassCharts(
  passes: readonly PassSummary[],
  runs: readonly RunRecord[],
  chart: (runs: readonly RunRecord[], total: number, svgId?: string) => string,
): string {
  const current = passes[passes.length - 1]!.pass;
  const shown = passes.slice(-MAX_PASS_CHARTS).reverse();
  const parts = shown.map((p) => {
    const id = p.pass === current ? "runs-chart-svg" : `runs-chart-svg-pass-${p.pass}`;
    const title = `Pass ${p.pass}${p.pass === current ? " (current)" : ""}`;
    return `<h3 class="pass-chart-title">${escape(title)}</h3>\n${chart(runsOfPass(runs, p.pass), totalOfPass(runs, p), id)}`;
  });
  if (passes.length > shown.length) parts.push(`<p class="note">The charts of the last ${shown.length} of ${passes.length} passes.</p>`);
  return parts.join("\n");
}
