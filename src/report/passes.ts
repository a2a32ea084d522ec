/**
 * Passes in the reports: a sentence on where the current pass stands, and a table of every
 * pass (the markdown summary and the HTML report), plus which runs belong to which pass
 * for the HTML report's progress chart per pass. Pure: strings in, strings out.
 */
import type { PassSummary, RunRecord } from "../core/index.js";
import { formatCount, formatDuration, formatTimestamp, markdownText } from "./markdown-format.js";

/** Passes shown in the tables (the most recent). */
const MAX_PASSES_SHOWN = 20;

/** How long a pass took, or ran so far (to its last run's end), as text. */
function passDuration(pass: PassSummary, runs: readonly RunRecord[]): string {
  if (!pass.startedAt) return "–";
  const lastEnd = runsOfPass(runs, pass.pass)
    .map((r) => r.endedAt)
    .filter(Boolean)
    .pop();
  const end = pass.completedAt ?? lastEnd;
  const ms = end ? Date.parse(end) - Date.parse(pass.startedAt) : NaN;
  return Number.isFinite(ms) ? formatDuration(ms) : "–";
}

/** The runs that worked in a pass (runs from before passes are pass 1). */
export function runsOfPass(runs: readonly RunRecord[], pass: number): RunRecord[] {
  return runs.filter((r) => (r.pass ?? 1) === pass);
}

/** Items in a pass's source, as its last normal run counted them. */
export function totalOfPass(runs: readonly RunRecord[], pass: PassSummary): number {
  const last = [...runsOfPass(runs, pass.pass)].reverse().find((r) => r.mode === "run" && r.total !== undefined);
  return last?.total ?? pass.succeeded + pass.failed;
}

export interface PassRow {
  pass: number;
  started: string;
  completed: string;
  succeeded: string;
  failed: string;
  duration: string;
  runs: string;
}

/** The passes table's rows, newest first, as plain text (each renderer escapes them). */
export function passRows(passes: readonly PassSummary[], runs: readonly RunRecord[], current: number): PassRow[] {
  return passes
    .slice(-MAX_PASSES_SHOWN)
    .reverse()
    .map((p) => ({
      pass: p.pass,
      started: formatTimestamp(p.startedAt),
      completed: p.completedAt ? formatTimestamp(p.completedAt) : p.pass === current ? "in progress" : "not completed",
      succeeded: formatCount(p.succeeded),
      failed: formatCount(p.failed),
      duration: passDuration(p, runs),
      runs: formatCount(p.runs),
    }));
}

/** The summary's passes section: the current pass's state, and the table when there was more than one. */
export function renderPassesMarkdown(passes: readonly PassSummary[], runs: readonly RunRecord[], passNote: string | undefined): string[] {
  const current = passes[passes.length - 1];
  if (!current) return [];
  const lines = ["### Passes", ""];
  if (passNote) lines.push(markdownText(passNote.charAt(0).toUpperCase() + passNote.slice(1), 500) + ".", "");
  if (passes.length > 1) {
    lines.push("| Pass | Started | Completed | Succeeded | Failed | Duration | Runs |", "| ---: | --- | --- | ---: | ---: | ---: | ---: |");
    for (const r of passRows(passes, runs, current.pass)) {
      lines.push(
        `| ${r.pass} | ${markdownText(r.started, 40)} | ${markdownText(r.completed, 40)} | ${r.succeeded} | ${r.failed} | ${r.duration} | ${r.runs} |`,
      );
    }
    if (passes.length > MAX_PASSES_SHOWN) lines.push("", `…and ${formatCount(passes.length - MAX_PASSES_SHOWN)} earlier passes.`);
    lines.push("");
  }
  return lines;
}
