import type { BatchState } from "../state/batch-state.js";
import { formatDurationMs } from "../config/duration.js";
import type { Logger } from "../platform/logger.js";
import type { PassRecordLine } from "../state/journal-records.js";
import type { PassSummary } from "../platform/types.js";

/** What a run does about passes before it plans its items. */
export interface PassDecision {
  /** Start the next pass now (`new-pass`, or `repeat` due on a complete pass). */
  startNext: boolean;
  why?: "new-pass" | "repeat";
  /** `repeat` is due but the pass still has items left: it finishes first. */
  overran: boolean;
  /** The current pass was complete when the run started (and no new pass starts). */
  completeAtStart: boolean;
}

export interface PassOptions {
  /** `repeat`: the shortest time from one pass's start to the next's. */
  repeatMs?: number;
  /** `new-pass`: start the next pass now, whatever the current one's state. */
  newPass: boolean;
  nowMs: number;
}

/**
 * Whether this run starts the next pass. A complete pass starts again once `repeat` has
 * passed since it started; a pass still running when that time comes finishes first (a
 * backlog is never abandoned); `new-pass` starts one at once.
 */
export function decidePass(state: BatchState, o: PassOptions): PassDecision {
  const complete = state.passCompletedAt !== undefined;
  if (o.newPass) return { startNext: true, why: "new-pass", overran: false, completeAtStart: false };
  const due = isRepeatDue(state, o.repeatMs, o.nowMs);
  if (due && complete) return { startNext: true, why: "repeat", overran: false, completeAtStart: false };
  return { startNext: false, overran: due, completeAtStart: complete };
}

function isRepeatDue(state: BatchState, repeatMs: number | undefined, nowMs: number): boolean {
  if (repeatMs === undefined || state.passStartedAt === undefined) return false;
  return nowMs >= Date.parse(state.passStartedAt) + repeatMs;
}

/** When the next pass may start: the current pass's start plus `repeat` (ISO 8601). */
export function nextPassAfter(state: BatchState, repeatMs: number | undefined): string | undefined {
  if (repeatMs === undefined || state.passStartedAt === undefined) return undefined;
  return new Date(Date.parse(state.passStartedAt) + repeatMs).toISOString();
}

/** A sentence for the log and the CLI: where the pass stands and when the next one starts. */
export function describePassState(state: BatchState, repeatMs: number | undefined, nowMs: number): string {
  const next = nextPassAfter(state, repeatMs);
  const every = repeatMs === undefined ? "" : ` (repeat ${formatDurationMs(repeatMs)})`;
  if (state.passCompletedAt !== undefined) {
    if (next !== undefined && Date.parse(next) <= nowMs) {
      return `pass ${state.pass} is complete; it ran longer than its interval${every}, so the next run starts pass ${state.pass + 1}`;
    }
    return next === undefined
      ? `pass ${state.pass} is complete; start the next one with --new-pass (input new-pass), or set repeat`
      : `pass ${state.pass} is complete; the next pass starts at ${next}${every}`;
  }
  if (next !== undefined && nowMs >= Date.parse(next)) {
    return `pass ${state.pass} has run longer than its interval${every}: it finishes first, then the next pass starts`;
  }
  return `pass ${state.pass} is in progress` + (next === undefined ? "" : `; the next pass starts at ${next} at the earliest${every}`);
}

/** The pass step of a run, before the items are planned. */
export interface PassAtStart extends PassDecision {
  /** The pass record to journal when this run started a new pass. */
  record?: PassRecordLine;
}

/**
 * Decides and, when it is time, starts the next pass in memory (the run journals the
 * record once the items checked out: bad input leaves the state as it was). A
 * retry-failures run never starts a pass: it works on the current pass's failures.
 */
export function openPass(state: BatchState, o: PassOptions & { retryFailures: boolean; log: Logger }): PassAtStart {
  if (o.retryFailures) return { startNext: false, overran: false, completeAtStart: state.passCompletedAt !== undefined };
  const decision = decidePass(state, o);
  const every = o.repeatMs === undefined ? "" : formatDurationMs(o.repeatMs);
  if (decision.overran) {
    o.log.warn(
      `pass ${state.pass} has run longer than its interval (repeat ${every}, started ${state.passStartedAt}): it finishes first, then the next pass starts`,
    );
  }
  if (!decision.startNext) return decision;
  const record: PassRecordLine = { t: "pass", pass: state.pass + 1, at: new Date(o.nowMs).toISOString() };
  const why =
    decision.why === "new-pass" ? "new-pass asked for it" : `pass ${state.pass} is complete and repeat ${every} has passed since it started`;
  o.log.info(`starting pass ${record.pass} (${why}): every item is processed again`);
  state.startPass(record.pass, record.at);
  return { ...decision, record };
}

/** Every pass, oldest first: the finished ones from the history, then the current one as it stands. */
export function passHistory(state: BatchState): PassSummary[] {
  return [...state.passes, state.currentPass()];
}
