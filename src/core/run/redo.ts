import type { BatchState } from "../state/batch-state.js";
import type { Logger } from "../platform/logger.js";

/** Items this run processes again on purpose (`redo-ids`), and the tag of their new key. */
export interface Redo {
  ids: ReadonlySet<string>;
  /** Added to the idempotency namespace of these items: `redo <seq>`, new for every run. */
  tag: string;
}

/**
 * Makes the listed done items pending for this run: they leave the done set in memory
 * only (the saved state still holds them until this run's journal says otherwise).
 * Returns the ids taken, to put back those the run did not reach (restoreUnreached).
 */
export function takeRedoIds(state: BatchState, ids: ReadonlySet<string>, log: Logger): Set<string> {
  const taken = new Set<string>();
  const notDone: string[] = [];
  for (const id of ids) {
    if (state.done.delete(id)) taken.add(id);
    else notDone.push(id);
  }
  log.info(`redo-ids: processing ${taken.size} done item(s) again with a new idempotency key`);
  if (notDone.length > 0) {
    log.warn(
      `redo-ids: ${notDone.length} id(s) are not done items, so there is nothing to redo (they run as usual if pending): ${notDone.slice(0, 5).join(", ")}${notDone.length > 5 ? ", …" : ""}`,
    );
  }
  return taken;
}

/** Puts back into the done set the redo items this run stopped before reaching (a budget or signal stop). */
export function restoreUnreached(state: BatchState, taken: ReadonlySet<string>): void {
  if (taken.size === 0) return;
  const doneNow = new Set(state.doneThisRun);
  for (const id of taken) if (!doneNow.has(id) && !state.failures.has(id)) state.done.add(id);
}
