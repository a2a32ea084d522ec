import type { BatchState } from "../state/batch-state.js";
import { fingerprintOf } from "../state/fingerprint.js";
import { fieldValue } from "./item-source.js";
import type { Item } from "../platform/types.js";

/**
 * `reprocess-changed`: how an item's content is fingerprinted — the whole item's canonical
 * form, or one field's value with `version-field` (`updatedAt`, an etag, a revision).
 */
export interface ChangeCheck {
  /** The field named by version-field, when one is. */
  versionField?: string;
  fingerprint(item: Item): number;
  /** Why this item cannot be fingerprinted (no version field), or undefined. */
  problem(item: Item): string | undefined;
}

export function changeCheck(versionField: string | undefined): ChangeCheck {
  if (versionField === undefined) {
    return { fingerprint: (item) => fingerprintOf(item.data), problem: () => undefined };
  }
  const valueOf = (item: Item): unknown =>
    typeof item.data === "object" && item.data !== null ? fieldValue(item.data as Record<string, unknown>, versionField) : undefined;
  return {
    versionField,
    fingerprint: (item) => fingerprintOf(valueOf(item)),
    problem: (item) =>
      valueOf(item) === undefined
        ? `no '${versionField}' field, which version-field names (every item needs it to tell whether it changed; check the field name, or drop --version-field to compare whole items)`
        : undefined,
  };
}

/**
 * Whether an item done (or failed) in this pass has changed since: its fingerprint differs
 * from the one recorded then. An item recorded without one (before reprocess-changed was
 * switched on) takes today's as its baseline: changes count from now on.
 */
export function hasChanged(state: BatchState, item: Item, check: ChangeCheck, doneIndex = state.done.indexOf(item.id)): boolean {
  const fingerprint = check.fingerprint(item);
  const recorded = doneIndex !== -1 ? state.done.valueAt(doneIndex) || undefined : state.fingerprints.failed.get(item.id);
  if (recorded === undefined) {
    if (doneIndex !== -1) state.done.setValueAt(doneIndex, fingerprint);
    else state.fingerprints.failed.set(item.id, fingerprint);
    return false;
  }
  return recorded !== fingerprint;
}

/**
 * The item's version within the pass, for its idempotency key: 0 until it changes after
 * being done or failed; each change makes it one more, so the key differs from before the
 * change, and stays the same across the retries of that version.
 */
export function versionOf(state: BatchState, item: Item, check: ChangeCheck | undefined): number {
  const recorded = state.versions.size === 0 ? 0 : (state.versions.get(item.id) ?? 0);
  if (check === undefined || !state.fingerprints.any) return recorded;
  const fingerprint = state.fingerprints.get(item.id);
  return fingerprint !== undefined && fingerprint !== check.fingerprint(item) ? recorded + 1 : recorded;
}
