import { DURATION_BUCKET_BOUNDS_MS, type DurationSummary } from "../core/index.js";
import { formatCount, formatDuration, type ResultsNote } from "./markdown.js";

/** HTML-escapes text for element content and attribute values. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const BUCKET_LABELS = ["< 10 ms", "10–100 ms", "0.1–1 s", "1–10 s", "10 s–1 min", "1–10 min", "≥ 10 min"];

/**
 * The report's duration view, from the job log: how long items took (a histogram of every
 * outcome) and the slowest ones. Plain HTML with inline bar widths: no script needed.
 */
export function renderDurationsSection(durations: DurationSummary | undefined): string {
  if (durations === undefined || durations.outcomes === 0) return "";
  const peak = Math.max(1, ...durations.histogram);
  const bars = durations.histogram
    .map((count, i) => {
      const width = ((100 * count) / peak).toFixed(1);
      return (
        `<tr><th scope="row">${BUCKET_LABELS[i] ?? ""}</th><td class="num">${formatCount(count)}</td>` +
        `<td class="bar-cell"><span class="d-bar" style="display:inline-block;height:0.9em;background:var(--accent);width:${width}%"></span></td></tr>`
      );
    })
    .join("\n");
  const slowest = durations.slowest
    .map(
      (s) =>
        `<tr><td>${escape(s.id.slice(0, 200))}</td><td class="num">${escape(formatDuration(s.durationMs))}</td><td>${s.ok ? "succeeded" : "failed"}</td>` +
        `<td class="num">${s.attempts}</td><td><time datetime="${escape(s.startedAt)}">${escape(s.startedAt)}</time></td></tr>`,
    )
    .join("\n");
  const median = durations.medianMs === undefined ? "" : ` Half took at most about ${escape(formatDuration(durations.medianMs))}.`;
  return `<section class="panel" id="durations">
<h2>Durations</h2>
<p class="note">${formatCount(durations.outcomes)} outcome(s) in the job log (every run's, failures too; retries and backoff included).${median}</p>
<table id="duration-histogram" data-bounds-ms="${DURATION_BUCKET_BOUNDS_MS.join(",")}"><thead><tr><th>Took</th><th class="num">Items</th><th></th></tr></thead><tbody>
${bars}
</tbody></table>
<h3>Slowest items</h3>
<table id="slowest-items"><thead><tr><th>Id</th><th class="num">Took</th><th>Outcome</th><th class="num">Attempts</th><th>Started</th></tr></thead><tbody>
${slowest}
</tbody></table>
</section>`;
}

/** The report's line on results: how many, and where to get them. */
export function renderResultsPanel(note: ResultsNote | undefined): string {
  if (note === undefined) return "";
  const payloads = note.withResult === note.items ? "" : ` (${formatCount(note.withResult)} with a result from the handler)`;
  return `<section class="panel" id="results"><h2>Results</h2><p><b id="results-count">${formatCount(note.items)}</b> item(s) have a result record${payloads}. ${escape(note.whereText)}</p></section>`;
}
