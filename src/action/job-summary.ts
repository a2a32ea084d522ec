import type { BatchState, FailureRecord } from "../core/index.js";
import { markdownCode, markdownText, truncateText, type RunSummaryInput } from "../report/markdown.js";
import { summaryInputFromState } from "../report/summary-input.js";
import type { ActionCore } from "./host.js";
import type { SavedResult, SavingContext } from "./main-post-state.js";
import type { RestoreOutcome } from "./restore-state.js";

/** Error annotations for this run's failed items (GitHub keeps 10 errors per step). */
export const MAX_FAILURE_ANNOTATIONS = 10;

/** The run summary's input for the job summary and the artifact's summary.md. */
export function buildSummaryInput(
  state: BatchState,
  context: SavingContext,
  restore: RestoreOutcome | undefined,
  result: SavedResult | undefined,
  workflow: string | undefined,
): RunSummaryInput {
  // `unavailable` runs nothing and saves nothing: post writes its own summary for it.
  const stateSource = restore?.source === "workspace" ? "local" : restore?.source === "unavailable" ? undefined : restore?.source;
  const extra: Partial<RunSummaryInput> = {
    title: `resumable-batch — ${context.stateKey}${context.shard ? ` (shard ${context.shard})` : ""}`,
    stateSource,
    // A fresh start explains itself in the warning block below.
    stateSourceDetail: !restore
      ? "the main step did not get to restore state"
      : restore.source === "fresh"
        ? undefined
        : `${restore.detail}, state #${restore.seq}`,
    retryHint: retryHint(context, workflow),
    freshStartWarning:
      restore?.source === "fresh"
        ? `${restore.freshReason ?? restore.detail}. If this is the first run of state-key '${context.stateKey}', that is expected.`
        : undefined,
  };
  return summaryInputFromState(state, result ? { ...result, warnings: [] } : undefined, extra);
}

function retryHint(context: SavingContext, workflow: string | undefined): string {
  const where = workflow ? ` (Actions → ${markdownText(workflow, 200)} → Run workflow)` : "";
  return [
    `Run this workflow by hand with the \`retry-failures\` input ticked${where}: that run re-attempts only the failed items, drops those that now succeed and keeps the rest with their new reason.`,
    `Every failure, with its item and its last error, is in \`failures.json\` in this run's artifact ${markdownCode(context.artifactName, 200)}.`,
  ].join("\n\n");
}

export interface SaveReport {
  /** `key`: the key it was saved under, when not the run's own (which was taken). */
  cache: { saved: boolean; note: string; key?: string };
  artifact: { saved: boolean; note: string };
}

/** The section the post step adds under the run summary: where this run's state went. */
export function renderSaveSection(context: SavingContext, save: SaveReport | { skipped: string }): string {
  const lines = ["### State saved", ""];
  if ("skipped" in save) {
    lines.push(markdownText(save.skipped, 500));
    return lines.join("\n") + "\n";
  }
  lines.push(
    `- Cache: ${save.cache.saved ? `saved as ${markdownCode(save.cache.key ?? context.cacheKey, 600)}` : `**not saved** — ${markdownText(save.cache.note, 500)}`}`,
    `- Artifact: ${save.artifact.saved ? `uploaded as ${markdownCode(context.artifactName, 300)}, kept ${context.artifactRetentionDays} day(s)` : `**not uploaded** — ${markdownText(save.artifact.note, 500)}`}`,
  );
  if (!save.cache.saved && save.artifact.saved) lines.push("", "The next run restores this state from the artifact.");
  if (!save.cache.saved && !save.artifact.saved) {
    lines.push(
      "",
      "> [!WARNING]",
      "> This run's progress was saved nowhere. The next run resumes from the last saved state and repeats this run's items (idempotency keys make that safe).",
    );
  }
  return lines.join("\n") + "\n";
}

/** The failures this run recorded: those whose last failure came after the run started. */
export function failuresOfRun(state: BatchState, runId: string, runAttempt: number): FailureRecord[] {
  const run = [...state.runs].reverse().find((r) => r.runId === runId && r.runAttempt === runAttempt);
  if (!run) return [];
  const since = Date.parse(run.startedAt);
  return [...state.failures.values()]
    .filter((f) => Date.parse(f.lastFailedAt) >= since)
    .sort((a, b) => Date.parse(a.lastFailedAt) - Date.parse(b.lastFailedAt));
}

/** An error annotation for each of the first failures, and a notice for the rest. */
export function annotateFailures(core: Pick<ActionCore, "error" | "notice">, failures: readonly FailureRecord[], artifactName: string): void {
  for (const f of failures.slice(0, MAX_FAILURE_ANNOTATIONS)) {
    const id = foldToOneLine(f.id, 200);
    core.error(`${id}: ${foldToOneLine(f.error, 500)}`, { title: `Item ${id} failed (${f.kind}, ${f.attempts} attempt(s))` });
  }
  const more = failures.length - MAX_FAILURE_ANNOTATIONS;
  if (more > 0)
    core.notice(`${more} more item(s) failed in this run; all are in failures.json in the artifact ${artifactName}`, { title: "More failed items" });
}

/** Whitespace runs (line breaks included) folded to one space, cut to `max` characters. */
function foldToOneLine(text: string, max: number): string {
  return truncateText(String(text).replace(/\s+/g, " ").trim(), max);
}
