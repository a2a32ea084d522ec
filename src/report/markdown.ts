/**
 * Markdown reports: the failures section (also `resumable-batch failures --format markdown`)
 * and the run summary written to the GitHub job summary and the artifact's `summary.md`.
 *
 * Pure: strings in, a string out. Every piece of item text (ids, error messages) is hostile
 * input: it goes into code spans, so GitHub shows it literally, with pipes escaped and
 * newlines folded so it cannot break a table row.
 */
import { groupFailures, type DurationSummary, type FailureRecord, type PassSummary, type RunRecord, type StopReason } from "../core/index.js";
import {
  formatCount,
  formatDuration,
  formatPercent,
  formatTimestamp,
  markdownCode,
  markdownText,
  MAX_ERROR_CHARS,
  MAX_NOTE_CHARS,
  truncateText,
} from "./markdown-format.js";
import { renderPassesMarkdown } from "./passes.js";

// The formatting helpers moved to markdown-format.ts; importers of markdown.js keep them.
export { formatCount, formatDuration, formatPercent, formatTimestamp, markdownCode, markdownText, truncateText };

/**
 * The job summary limit on GitHub is 1 MiB per step; the summary stays below this many
 * bytes of UTF-8 so that a wrapper line or two added by the adapter still fits.
 */
export const MAX_SUMMARY_BYTES = 1_000_000;

/** Default number of failed items listed one by one. */
export const DEFAULT_MAX_ITEMS = 50;
/** Default number of failure groups listed. */
export const DEFAULT_MAX_GROUPS = 20;
/** Ids in tables are cut to this many characters (an id can be a whole line of input). */
const MAX_ID_CHARS = 80;
/** Runs shown in the progress table. */
const MAX_RUNS_SHOWN = 10;

/** Options of `renderFailuresMarkdown`. */
export interface FailuresMarkdownOptions {
  /**
   * How many failed items to list one by one (the first ones of `failures`).
   * @default 50
   */
  maxItems?: number;
  /**
   * How many cause groups to list, largest first.
   * @default 20
   */
  maxGroups?: number;
  /** Heading level of the section titles (`###` by default). */
  headingLevel?: number;
}

/** Everything the run summary shows. The adapters (action, CLI) fill it from state. */
export interface RunSummaryInput {
  /** Shown in the heading; defaults to "resumable-batch". */
  title?: string;
  /** What this run did. */
  thisRun: {
    processed: number;
    succeeded: number;
    failed: number;
    durationMs: number;
    stopReason: StopReason;
    /** Items processed again because their content changed since they were done (reprocess-changed). */
    changed?: number;
  };
  /** Where the whole list stands after this run. */
  totals: {
    total: number;
    done: number;
    failed: number;
    remaining: number;
  };
  /**
   * Passes over the items, oldest first, the current one last; set when the batch recurs
   * (`repeat`, or more than one pass). Absent: one pass, nothing said about passes.
   */
  passes?: PassSummary[];
  /** Where the current pass stands and when the next one starts, as a sentence. */
  passNote?: string;
  /** Runs recorded in state, oldest first (the last ones are shown). */
  runs: RunRecord[];
  /** All current failures, as in failures.json. */
  failures: FailureRecord[];
  /** Where this run's starting state came from. */
  stateSource?: "cache" | "artifact" | "fresh" | "local" | "shards";
  /** Plain-text detail, e.g. the cache key or the run whose artifact was used. */
  stateSourceDetail?: string;
  /**
   * How to re-attempt the failed items (markdown, written by the adapter, shown as is),
   * e.g. "Run the workflow with `retry-failures` ticked".
   */
  retryHint?: string;
  /**
   * Set when state could not be restored and the run started from nothing although earlier
   * runs existed: shown as a loud warning block. Plain text.
   */
  freshStartWarning?: string;
  /**
   * Markdown shown right after the totals, as is (written by the adapter, which escapes any
   * item text in it): the merged report's per-shard table, say.
   */
  afterTotals?: string;
  /** How many items have a result record, and where to get them (markdown by the adapter). */
  results?: ResultsNote;
  /** The job log's durations (the HTML report's duration view). */
  durations?: DurationSummary;
}

/** The results kept so far, for the summary and the report. */
export interface ResultsNote {
  /** Items whose last outcome is a success (a record in results.jsonl). */
  items: number;
  /** Of those, the ones with a result the handler produced (--results). */
  withResult: number;
  /** Where to get them, as markdown written by the adapter (escaped there). */
  whereMarkdown: string;
  /** The same in plain text, for the HTML report. */
  whereText: string;
}

/** "### Results" for the summary: how many, and where to download them. */
export function renderResultsSection(note: ResultsNote | undefined): string[] {
  if (note === undefined) return [];
  const payloads = note.withResult === note.items ? "" : ` (${formatCount(note.withResult)} with a result from the handler)`;
  return ["### Results", "", `${formatCount(note.items)} item(s) have a result record${payloads}. ${note.whereMarkdown}`, ""];
}

// ---------------------------------------------------------------------------------------
// Sentences

/** A sentence saying why a run stopped. */
export function describeStopReason(reason: StopReason, remaining?: number): string {
  switch (reason) {
    case "complete":
      return "Complete: every item was attempted.";
    case "budget":
      return remaining !== undefined && remaining > 0
        ? `Stopped at the time budget with ${formatCount(remaining)} items left; the next run continues.`
        : "Stopped at the time budget; the next run continues.";
    case "signal":
      return "Stopped by a signal (cancelled or timed out); finished work was saved.";
    case "failure-rate":
      return "Stopped because too many items failed (max-failure-rate or max-consecutive-failures).";
    case "handler-error":
      return "Stopped: the handler could not run (see the log for the fix); no item was marked failed.";
    default:
      return `Stopped: ${String(reason)}.`;
  }
}

/** Where the state came from, as a sentence. */
export function describeStateSource(source: RunSummaryInput["stateSource"]): string {
  switch (source) {
    case "cache":
      return "State restored from the Actions cache.";
    case "artifact":
      return "State restored from an earlier run's artifact.";
    case "local":
      return "State read from the local state folder.";
    case "fresh":
      return "Fresh start: no earlier state was found.";
    case "shards":
      return "Merged from the state artifacts the shards of this workflow run uploaded.";
    default:
      return "State source not reported.";
  }
}

// ---------------------------------------------------------------------------------------
// Failures section

/**
 * The failures as markdown: a table of causes (largest first), the first `maxItems` failed
 * items, and how many more are in failures.json.
 */
export function renderFailuresMarkdown(failures: readonly FailureRecord[], opts: FailuresMarkdownOptions = {}): string {
  const maxItems = Math.max(0, Math.floor(opts.maxItems ?? DEFAULT_MAX_ITEMS));
  const maxGroups = Math.max(0, Math.floor(opts.maxGroups ?? DEFAULT_MAX_GROUPS));
  const h = "#".repeat(Math.min(6, Math.max(1, opts.headingLevel ?? 3)));
  if (failures.length === 0) return `${h} Failures\n\nNo failed items.\n`;

  const lines: string[] = [];
  const groups = groupFailures(failures as FailureRecord[]);
  const total = failures.length;

  lines.push(`${h} Failure causes`, "");
  lines.push(
    `${formatCount(total)} failed ${total === 1 ? "item" : "items"} in ${formatCount(groups.length)} ${
      groups.length === 1 ? "cause" : "causes"
    } (numbers, ids and quoted values folded).`,
    "",
  );
  lines.push("| Cause | Count | Kind | Example ids | First seen | Last seen |");
  lines.push("| --- | ---: | --- | --- | --- | --- |");
  for (const g of groups.slice(0, maxGroups)) {
    lines.push(
      `| ${markdownCode(g.cause, 200)} | ${formatCount(g.count)} (${formatPercent(g.count, total)}) | ${markdownText(g.kind, 20)} | ${
        g.exampleIds.map((id) => markdownCode(id, MAX_ID_CHARS)).join(", ") || "–"
      } | ${markdownText(formatTimestamp(g.firstFailedAt), 40)} | ${markdownText(formatTimestamp(g.lastFailedAt), 40)} |`,
    );
  }
  if (groups.length > maxGroups) {
    const rest = groups.slice(maxGroups);
    const restCount = rest.reduce((sum, g) => sum + g.count, 0);
    lines.push(
      "",
      `…and ${formatCount(rest.length)} more ${rest.length === 1 ? "cause" : "causes"} (${formatCount(restCount)} ${
        restCount === 1 ? "item" : "items"
      }) in \`failures.json\`.`,
    );
  }

  const shown = failures.slice(0, maxItems);
  lines.push("", `${h} Failed items`, "");
  if (shown.length > 0) {
    lines.push(shown.length < total ? `The first ${formatCount(shown.length)} of ${formatCount(total)}:` : `All ${formatCount(total)}:`, "");
    // Merged shards: say which shard recorded each failure.
    const sharded = shown.some((f) => f.shard !== undefined);
    lines.push(`| Id |${sharded ? " Shard |" : ""} Kind | Attempts | Error | Last failed |`);
    lines.push(`| --- |${sharded ? " --- |" : ""} --- | ---: | --- | --- |`);
    for (const f of shown) {
      const shard = sharded ? ` ${f.shard === undefined ? "–" : markdownText(String(f.shard), 20)} |` : "";
      lines.push(
        `| ${markdownCode(String(f.id), MAX_ID_CHARS)} |${shard} ${markdownText(String(f.kind), 20)} | ${formatCount(Number(f.attempts) || 0)} | ${markdownCode(
          String(f.error ?? ""),
          MAX_ERROR_CHARS,
        )} | ${markdownText(formatTimestamp(f.lastFailedAt), 40)} |`,
      );
    }
  }
  const more = total - shown.length;
  if (more > 0) lines.push("", `${formatCount(more)} more in \`failures.json\`.`);
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------
// Run summary

function progressBar(part: number, whole: number, width = 20): string {
  const filled = whole > 0 ? Math.min(width, Math.max(0, Math.round((width * part) / whole))) : 0;
  return "█".repeat(filled) + "░".repeat(width - filled);
}

function runDuration(run: RunRecord): string {
  if (!run.endedAt) return "–";
  const ms = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  return Number.isFinite(ms) ? formatDuration(ms) : "–";
}

function renderRunsTable(runs: readonly RunRecord[]): string[] {
  if (runs.length === 0) return ["No earlier runs recorded."];
  // Cumulative done counts every recorded run, also the ones not shown.
  const cumulative: number[] = [];
  let sum = 0;
  for (const run of runs) {
    sum += Number(run.succeeded) || 0;
    cumulative.push(sum);
  }
  const from = Math.max(0, runs.length - MAX_RUNS_SHOWN);
  const lines = [
    "| # | Run | Mode | Started | Duration | Succeeded | Failed | Done so far | Stopped |",
    "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
  ];
  for (let i = runs.length - 1; i >= from; i--) {
    const run = runs[i]!;
    const runLabel = run.runId === "local" ? "local" : `${run.runId}${run.runAttempt > 1 ? ` (attempt ${run.runAttempt})` : ""}`;
    lines.push(
      `| ${formatCount(run.seq)} | ${markdownText(runLabel, 60)} | ${markdownText(run.mode, 20)} | ${markdownText(
        formatTimestamp(run.startedAt),
        40,
      )} | ${runDuration(run)} | ${formatCount(run.succeeded)} | ${formatCount(run.failed)} | ${formatCount(
        cumulative[i]!,
      )} | ${run.stopReason ? markdownText(run.stopReason, 20) : "–"} |`,
    );
  }
  if (from > 0) lines.push("", `…and ${formatCount(from)} earlier ${from === 1 ? "run" : "runs"}.`);
  return lines;
}

function renderSummary(input: RunSummaryInput, maxItems: number, maxGroups: number): string {
  const { thisRun, totals } = input;
  const lines: string[] = [];
  lines.push(`## ${markdownText(input.title || "resumable-batch", 200)}`, "");

  if (input.freshStartWarning) {
    lines.push(
      "> [!CAUTION]",
      "> **Fresh start: earlier state could not be restored.** Work already done may be repeated.",
      `> ${markdownText(input.freshStartWarning)}`,
      "",
    );
  }

  const status = describeStopReason(thisRun.stopReason, totals.remaining);
  lines.push(`**${markdownText(status, 300)}**`, "");

  lines.push("| | Processed | Succeeded | Failed | Duration |");
  lines.push("| --- | ---: | ---: | ---: | ---: |");
  lines.push(
    `| This run | ${formatCount(thisRun.processed)} | ${formatCount(thisRun.succeeded)} | ${formatCount(thisRun.failed)} | ${formatDuration(
      thisRun.durationMs,
    )} |`,
  );
  lines.push("");
  lines.push("| Overall | Total | Done | Failed | Remaining | Progress |");
  lines.push("| --- | ---: | ---: | ---: | ---: | --- |");
  lines.push(
    `| All runs | ${formatCount(totals.total)} | ${formatCount(totals.done)} | ${formatCount(totals.failed)} | ${formatCount(
      totals.remaining,
    )} | \`${progressBar(totals.done, totals.total)}\` ${formatPercent(totals.done, totals.total)} |`,
  );
  lines.push("");

  if (thisRun.changed)
    lines.push(
      `${formatCount(thisRun.changed)} ${thisRun.changed === 1 ? "item" : "items"} changed since done, processed again (reprocess-changed).`,
      "",
    );
  if (input.afterTotals) lines.push(input.afterTotals.trimEnd(), "");
  if (input.passes) lines.push(...renderPassesMarkdown(input.passes, input.runs, input.passNote));

  const source = describeStateSource(input.stateSource);
  const detail = input.stateSourceDetail ? ` (${markdownText(input.stateSourceDetail, 500)})` : "";
  lines.push(`${markdownText(source, 200)}${detail}`, "");
  lines.push(...renderResultsSection(input.results));

  lines.push("### Progress across runs", "");
  lines.push(...renderRunsTable(input.runs), "");

  lines.push(renderFailuresMarkdown(input.failures, { maxItems, maxGroups, headingLevel: 3 }).trimEnd(), "");

  if (input.retryHint && input.failures.length > 0) {
    lines.push("### Retrying failures", "");
    lines.push(truncateText(input.retryHint.replace(/\r\n?/g, "\n"), MAX_NOTE_CHARS), "");
  }
  return lines.join("\n");
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * The run summary as markdown, for the GitHub job summary and the artifact's `summary.md`:
 * this run's counts and the overall ones, progress across the last runs, where state came
 * from (a warning block for a fresh start), the failure causes and first failed items, and
 * the retry hint.
 *
 * Always under `MAX_SUMMARY_BYTES` (GitHub refuses job summaries over 1 MiB): when the full
 * text is too large, fewer failed items and groups are listed, and as a last resort the
 * text is cut at a line boundary with a note.
 */
export function renderRunSummaryMarkdown(input: RunSummaryInput): string {
  let maxItems = DEFAULT_MAX_ITEMS;
  let maxGroups = DEFAULT_MAX_GROUPS;
  let text = renderSummary(input, maxItems, maxGroups);
  while (byteLength(text) > MAX_SUMMARY_BYTES && (maxItems > 0 || maxGroups > 1)) {
    maxItems = Math.floor(maxItems / 2);
    maxGroups = Math.max(1, Math.floor(maxGroups / 2));
    text = renderSummary(input, maxItems, maxGroups);
  }
  return capMarkdownBytes(text, MAX_SUMMARY_BYTES);
}

/**
 * `text` unchanged when it fits in `maxBytes` of UTF-8; otherwise cut at a line boundary
 * (never inside a character) with a note saying so, the whole under `maxBytes`.
 */
export function capMarkdownBytes(text: string, maxBytes: number = MAX_SUMMARY_BYTES): string {
  if (byteLength(text) <= maxBytes) return text;
  const note =
    "\n\n> [!NOTE]\n> This summary was cut to stay under GitHub's 1 MiB job summary limit; every failure is in `failures.json` in the run's artifact.\n";
  const budget = Math.max(0, maxBytes - byteLength(note));
  let cut = Buffer.from(text, "utf8").subarray(0, budget).toString("utf8");
  // A cut inside a multi-byte character decodes to U+FFFD; drop it.
  cut = cut.replace(/\uFFFD$/, "");
  const lastNewline = cut.lastIndexOf("\n");
  if (lastNewline > 0) cut = cut.slice(0, lastNewline);
  return cut + note;
}
