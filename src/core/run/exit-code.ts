import type { StopSignalName } from "./stop-controller.js";
import type { StopReason } from "../platform/types.js";

/** What decides a run's exit status (the README's table of exit statuses). */
export interface RunEnding {
  stopReason: StopReason;
  /** The signal that stopped the run, when stopReason is "signal". */
  signal?: StopSignalName;
  /** Items that failed in this run. */
  failed: number;
  /** Items the plan found failed beyond automatic retry (left for retry-failures). */
  heldFailed: number;
}

/**
 * The exit status of a run: 128 + the signal's number when a signal stopped it (130 for
 * SIGINT, 143 for SIGTERM, as a shell reports them), 2 for a handler that cannot run, 4 for the failure-rate stop, 3 when
 * the time budget ran out with items left, 1 when any item failed, else 0.
 */
export function exitCodeFor(ending: RunEnding): number {
  switch (ending.stopReason) {
    case "signal":
      return ending.signal === "SIGTERM" ? 143 : 130;
    case "handler-error":
      return 2;
    case "failure-rate":
      return 4;
    case "budget":
      return 3;
    default:
      return ending.failed > 0 || ending.heldFailed > 0 ? 1 : 0;
  }
}
