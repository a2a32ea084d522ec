import { type BatchState, buildFailuresFile, describePassState, passHistory, type RunBatchResult } from "../core/index.js";
import type { RunSummaryInput } from "./markdown.js";

/**
 * The summary's figures, from state and (when a run just happened) its result. Without a
 * result — `status`, `report` — the totals are those the last normal run recorded.
 */
export function summaryInputFromState(state: BatchState, result?: RunBatchResult, extra: Partial<RunSummaryInput> = {}): RunSummaryInput {
  const lastRun = state.runs[state.runs.length - 1];
  const lastNormal = state.lastNormalRun();
  const failures = buildFailuresFile(state).failures;
  const total = result?.mode === "run" ? result.total : (lastNormal?.total ?? state.doneCount + state.failures.size);
  const remaining = result?.mode === "run" ? result.remaining : (lastNormal?.remaining ?? 0);
  return {
    thisRun: result
      ? {
          processed: result.processed,
          succeeded: result.succeeded,
          failed: result.failed,
          durationMs: result.durationMs,
          stopReason: result.stopReason,
          ...(result.changed ? { changed: result.changed } : {}),
        }
      : {
          processed: (lastRun?.succeeded ?? 0) + (lastRun?.failed ?? 0),
          succeeded: lastRun?.succeeded ?? 0,
          failed: lastRun?.failed ?? 0,
          durationMs: lastRun?.endedAt && lastRun.startedAt ? Date.parse(lastRun.endedAt) - Date.parse(lastRun.startedAt) : 0,
          stopReason: lastRun?.stopReason ?? "complete",
        },
    totals: { total, done: result?.mode === "run" ? result.doneTotal : Math.min(state.doneCount, total), failed: state.failures.size, remaining },
    runs: state.runs,
    failures,
    ...passesOf(state, result),
    ...extra,
  };
}

/**
 * The passes, when the batch recurs (repeat set, or past pass 1): the history with the
 * current pass last, and where it stands, as of the run that just ended (or the last run).
 */
function passesOf(state: BatchState, result: RunBatchResult | undefined): Pick<RunSummaryInput, "passes" | "passNote"> {
  if (state.pass === 1 && state.repeatMs === undefined && (result === undefined || result.nextPassAfter === undefined)) return {};
  const lastRun = state.runs[state.runs.length - 1];
  const asOfMs = Date.parse(lastRun?.endedAt ?? lastRun?.startedAt ?? state.passStartedAt ?? "");
  const passNote = result?.passNote ?? (Number.isFinite(asOfMs) ? describePassState(state, state.repeatMs, asOfMs) : undefined);
  return { passes: passHistory(state), ...(passNote ? { passNote } : {}) };
}
