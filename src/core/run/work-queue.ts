import { statSync } from "node:fs";
import type { BatchState } from "../state/batch-state.js";
import { readSource, type SourceSpec } from "../input/item-source.js";
import type { ChangeCheck } from "../input/changes.js";
import { firstOccurrences, isPendingItem, planSource } from "../input/plan.js";
import { isRegularFile } from "../input/line-reader.js";
import type { Logger } from "../platform/logger.js";
import { logId } from "../platform/log-text.js";
import type { FailureRecord, Item } from "../platform/types.js";
import { batchedNext } from "./pool.js";

/**
 * The first pass keeps the pending items for the run while they come from at most this
 * many bytes of the source (about 3.5× that in memory, measured at 1M items): a source up
 * to this size, or the few items left in a longer one, is parsed once. More is read again
 * for the run, so memory stays flat however long the list. 4 MiB, not more: keeping the
 * 1M items of a 73 MB file (the old 128 MiB budget) made the run's peak memory 2.7× that
 * of a loop that reads the file twice, for a tenth less time; keeping those of a 13 MB
 * file of plain lines cost 100 MB for no time saved.
 */
export const RETAIN_ITEMS_MAX_BYTES = 4 * 1024 * 1024;

/** What a run works through, and what the first pass counted on the way. */
export interface WorkQueue {
  /** Distinct items in the source (retry-failures: failures at the start). */
  total: number;
  /** Items this run will try. */
  pending: number;
  /** Items failed beyond automatic retry, left for a retry-failures pass. */
  heldFailed: number;
  /** Items of the source done in earlier runs (and unchanged since, with reprocess-changed). */
  alreadyDone: number;
  /** Items pending because their content changed since they were done or failed. */
  changed: number;
  /** The next item to run, or undefined when there are none left. */
  next: () => Promise<Item | undefined>;
  /** The next item if one is at hand without waiting (the pool's fast path). */
  take?: () => Item | undefined;
  warnings: string[];
}

export interface WorkQueueOptions {
  /** Where items come from; not needed for a retry-failures pass. */
  source?: SourceSpec;
  retryFailures: boolean;
  /** Only items this accepts belong to this run (a shard's share). */
  accept?: (id: string) => boolean;
  retainItemsMaxBytes?: number;
  /** reprocess-changed: how an item's content is fingerprinted. */
  changes?: ChangeCheck;
  /** retry-failures with retry-filter: only the failures this accepts are re-attempted. */
  retryFilter?: (failure: FailureRecord) => boolean;
  log: Logger;
}

/**
 * Opens what the run works through: the failures for a retry-failures pass, else the
 * source's pending items after a first pass that checks every line.
 */
export async function openWorkQueue(options: WorkQueueOptions, state: BatchState, signal?: AbortSignal): Promise<WorkQueue> {
  const accept = options.accept ?? (() => true);
  return options.retryFailures
    ? await failuresQueue(options, state, accept, signal)
    : sourceQueue(options, options.source as SourceSpec, state, accept, signal);
}

async function failuresQueue(
  options: WorkQueueOptions,
  state: BatchState,
  accept: (id: string) => boolean,
  signal?: AbortSignal,
): Promise<WorkQueue> {
  const ours = [...state.failures.values()].filter((f) => accept(f.id));
  const filter = options.retryFilter;
  const chosen = filter ? ours.filter(filter) : ours;
  // A failure stored without its data (an item nested too deeply to write as JSON, see
  // failure-line.ts) has nothing to hand a handler — it would run `null` — unless the
  // items file, when given, still has it.
  const lacking = new Set(chosen.filter((f) => f.item === null && f.raw === undefined).map((f) => f.id));
  const found = lacking.size > 0 && options.source ? await findItems(options.source, lacking, signal) : new Map<string, Item>();
  const items: Item[] = chosen.flatMap((f): Item[] => {
    if (!lacking.has(f.id)) return [f.raw === undefined ? { id: f.id, data: f.item, line: 0 } : { id: f.id, data: f.item, line: 0, raw: f.raw }];
    const item = found.get(f.id);
    return item ? [item] : [];
  });
  const missing = [...lacking].filter((id) => !found.has(id));
  const warnings = missing.length === 0 ? [] : [withoutDataWarning(missing, options.source !== undefined)];
  for (const warning of warnings) options.log.warn(warning);
  let index = 0;
  const left = filter ? ` (retry-filter); the other ${ours.length - chosen.length} stay in failures.json as they are` : "";
  options.log.info(`retry-failures: re-attempting ${items.length} failed item(s)${left}`);
  // Failures the filter left out are still failures: the run ends with exit 1, as for any held failure.
  const heldFailed = ours.length - items.length;
  return { total: items.length, pending: items.length, heldFailed, alreadyDone: 0, changed: 0, next: async () => items[index++], warnings };
}

/** The items of the source with these ids (the first of each), read as a run reads them; bad lines are skipped. */
async function findItems(source: SourceSpec, ids: Set<string>, signal?: AbortSignal): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for await (const entries of readSource(source, signal)) {
    for (const entry of entries) if (entry.item && ids.has(entry.item.id) && !found.has(entry.item.id)) found.set(entry.item.id, entry.item);
    if (found.size === ids.size) break;
  }
  return found;
}

function withoutDataWarning(ids: string[], searched: boolean): string {
  const named = ids.slice(0, 5).map((id) => `"${logId(id)}"`);
  const more = ids.length > named.length ? ` and ${ids.length - named.length} more` : "";
  const where = searched ? "and the items file no longer has them" : "and no items file was given to read them from";
  return (
    `retry-failures: ${ids.length} failed item(s) were stored without their data (nested too deeply to write as JSON) ${where}, ` +
    `so they are not re-attempted: ${named.join(", ")}${more}; they stay in failures.json — run retry-failures with the items file that has them`
  );
}

async function sourceQueue(
  options: WorkQueueOptions,
  source: SourceSpec,
  state: BatchState,
  accept: (id: string) => boolean,
  signal?: AbortSignal,
): Promise<WorkQueue> {
  // A pipe cannot be read a second time: counted as 0 bytes, its items are always kept.
  const sourceBytes = isRegularFile(source.path) ? sizeOf(source.path) : 0;
  const retain = { sourceBytes, maxBytes: options.retainItemsMaxBytes ?? RETAIN_ITEMS_MAX_BYTES };
  const plan = await planSource(source, state, accept, retain, options.changes, signal);
  for (const warning of plan.warnings) options.log.warn(warning);
  const changed = options.changes ? `, ${plan.changed} changed since they were done` : "";
  options.log.info(
    `${plan.total} item(s): ${plan.alreadyDone} done in earlier runs${changed}, ${plan.heldFailed} failed and held for retry-failures, ${plan.pending} to do`,
  );
  const counts = {
    total: plan.total,
    pending: plan.pending,
    heldFailed: plan.heldFailed,
    alreadyDone: plan.alreadyDone,
    changed: plan.changed,
    warnings: plan.warnings,
  };
  // Nothing to do: no second pass over the source (a resume that finds all done read it twice).
  if (plan.pending === 0) return { ...counts, next: async () => undefined, take: () => undefined };
  if (plan.items) {
    const items = plan.items;
    let index = 0;
    const take = () => (index < items.length ? items[index++] : undefined);
    return { ...counts, next: async () => take(), take };
  }
  const queue = batchedNext(pendingItems(source, state, accept, plan.duplicateIds, plan.alreadyDone + plan.heldFailed, options.changes));
  return { ...counts, next: queue, take: queue.take };
}

/**
 * The second pass: stream the source again, yielding only what this run should attempt.
 * @param notPending accepted first occurrences the first pass found done or held. A line
 * not yet handed out is pending now exactly when it was in the first pass (the state
 * changes during the run only for items this pass already handed out, each once; later
 * occurrences of an id are skipped), so once this many lines were skipped, every line left
 * is pending and the lookup in the done set — a cache miss per item at a million items —
 * is skipped. Earlier runs worked from the top, so that is usually early in the file.
 */
async function* pendingItems(
  source: SourceSpec,
  state: BatchState,
  accept: (id: string) => boolean,
  duplicateIds: ReadonlySet<string>,
  notPending: number,
  changes: ChangeCheck | undefined,
): AsyncGenerator<Item[]> {
  let notPendingLeft = notPending;
  const isFirst = firstOccurrences(duplicateIds);
  for await (const batch of readSource(source)) {
    const items: Item[] = [];
    for (const entry of batch) {
      const item = entry.item;
      if (!item || !accept(item.id)) continue;
      if (duplicateIds.size > 0 && !isFirst(item)) continue;
      if (notPendingLeft > 0 && !isPendingItem(state, item, changes)) {
        notPendingLeft--;
        continue;
      }
      items.push(item);
    }
    if (items.length > 0) yield items;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // planSource reports the missing file
  }
}
