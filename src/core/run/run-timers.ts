import type { System } from "../platform/system.js";
import type { Budget } from "./budget.js";
import type { ProgressMeter, ProgressSnapshot } from "./progress.js";
import type { StopController } from "./stop-controller.js";

/** How often progress is reported when the adapter gives no interval. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;

export interface RunTimerOptions {
  system: System;
  /** Part of the budget kept for stopping and saving after the last item. */
  reserveMs: number;
  onProgress?: (progress: ProgressSnapshot) => void;
  progressIntervalMs?: number;
}

/**
 * Starts the run's two timers: the budget stop (when the reserve begins) and the progress
 * report. Returns a function that cancels both.
 */
export function startRunTimers(
  options: RunTimerOptions,
  startedAtMs: number,
  budget: Budget,
  stop: StopController,
  meter: ProgressMeter,
): () => void {
  const cancelBudgetTimer = startBudgetTimer(options, startedAtMs, budget, stop);
  const cancelProgress = startProgressTimer(options, meter);
  return () => {
    cancelBudgetTimer?.();
    cancelProgress?.();
  };
}

function startBudgetTimer(options: RunTimerOptions, startedAtMs: number, budget: Budget, stop: StopController): (() => void) | undefined {
  if (budget.deadlineAtMs === undefined) return undefined;
  // New items stop when canStart() finds too little budget left for a typical one; what
  // is still in flight when the reserve begins is cut off then. (Stopping a whole grace
  // before that spent a budget shorter than grace + reserve on one item per lane.)
  const stopInMs = Math.max(0, budget.deadlineAtMs - options.reserveMs - startedAtMs);
  return options.system.setTimer(() => stop.request("budget", 0), stopInMs);
}

function startProgressTimer(options: RunTimerOptions, meter: ProgressMeter): (() => void) | undefined {
  const { onProgress, system } = options;
  if (!onProgress) return undefined;
  const intervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  let cancel: () => void;
  const tick = () => {
    onProgress(meter.snapshot(system.nowMs()));
    cancel = system.setTimer(tick, intervalMs);
  };
  cancel = system.setTimer(tick, intervalMs);
  return () => cancel();
}
