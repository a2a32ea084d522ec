import type { BatchState } from "../state/batch-state.js";
import { ConfigError } from "../platform/errors.js";
import { hasChanged, type ChangeCheck } from "./changes.js";
import { DuplicateFinder } from "./duplicate-finder.js";
import { withExactJsonOnly } from "./exact-json.js";
import { readSource, type SourceProblem, type SourceSpec } from "./item-source.js";
import { isRegularFile } from "./line-reader.js";
import type { Item } from "../platform/types.js";

/** Problems listed in a rejection message; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 20;

export interface SourcePlan {
  /** Distinct ids in the source. */
  total: number;
  /** Of those, already done in state. */
  alreadyDone: number;
  /** Of those, failed permanently or quarantined: left for a retry-failures pass. */
  heldFailed: number;
  /** Items a normal run should attempt. */
  pending: number;
  /** Of the pending, items done or failed earlier in the pass whose content changed since (reprocess-changed). */
  changed: number;
  /** Lines carrying a second occurrence of an id: skipped, warned about. */
  duplicateLines: Set<number>;
  /** Ids that occur more than once: only the first occurrence is to be run. */
  duplicateIds: Set<string>;
  warnings: string[];
  /** When they fitted the retain budget: the items a normal run should attempt, in source order. */
  items?: Item[];
}

/** How much of the source the first pass may keep for the run, in source bytes. */
export interface RetainBudget {
  sourceBytes: number;
  maxBytes: number;
}

/** Whether a normal run attempts this id: not done, and not failed beyond automatic retry. */
export function isPending(state: BatchState, id: string): boolean {
  if (state.done.has(id)) return false;
  if (state.failures.size === 0) return true;
  const failure = state.failures.get(id);
  return failure === undefined || failure.kind === "transient" || failure.kind === "timeout";
}

/**
 * Whether a normal run attempts this item: pending by id, or (with reprocess-changed) done
 * or failed earlier in the pass and changed since — a failed item fixed upstream is taken
 * again without waiting for retry-failures.
 */
export function isPendingItem(state: BatchState, item: Item, changes: ChangeCheck | undefined): boolean {
  if (isPending(state, item.id)) return true;
  return changes !== undefined && (state.done.has(item.id) || state.failures.has(item.id)) && hasChanged(state, item, changes);
}

/**
 * The first pass over the source, before any work: every line is parsed and checked, so
 * a malformed line, a missing id or invalid UTF-8 rejects the input with the lines to
 * fix and nothing processed — never a crash halfway through a batch. Duplicate ids are a
 * warning: the first occurrence is processed, later ones are skipped.
 *
 * The pending items are kept as parsed while they fit `retain` (their share of the source's
 * bytes, estimated from the average line so far), so the run needs no second
 * pass: parsing every line twice was the largest cost of checkpointing a large file.
 */
export async function planSource(
  spec: SourceSpec,
  state: BatchState,
  accept: (id: string) => boolean = () => true,
  retain?: RetainBudget,
  changes?: ChangeCheck,
  signal?: AbortSignal,
): Promise<SourcePlan> {
  const problems = new ProblemList();
  const finder = new DuplicateFinder();
  let items: Item[] | undefined = retain ? [] : undefined;
  let seen = 0;
  // A pipe (`<(…)`, a FIFO, /dev/stdin) can be read only once: every item is kept for
  // confirming duplicates instead of reading it again, which waited for ever.
  const everyItem: Item[] | undefined = isRegularFile(spec.path) ? undefined : [];
  const counts: Counts = { alreadyDone: 0, heldFailed: 0, notMine: 0, changed: 0 };
  for await (const batch of readSource(spec, signal)) {
    for (const entry of batch) {
      if (entry.problem) {
        problems.add(entry.problem);
        continue;
      }
      const versionProblem = changes?.versionField === undefined ? undefined : changes.problem(entry.item);
      if (versionProblem !== undefined) {
        problems.add({ line: entry.item.line, message: versionProblem });
        continue;
      }
      // Counted as if no id repeated; the repeats, found at the end, are taken off again.
      finder.add(entry.item.id);
      seen++;
      const pending = classify(entry.item, state, accept, counts, 1, changes);
      if (everyItem || (items && pending)) {
        // Kept items hold their source text only where a handler needs it (exact-json.ts).
        const kept = withExactJsonOnly(entry.item);
        everyItem?.push(kept);
        if (pending) items?.push(kept);
      }
    }
    // A resume of a long list usually has few items left: kept, they spare a second pass.
    if (items && retain && items.length * (retain.sourceBytes / seen) > retain.maxBytes) items = undefined;
  }
  if (problems.count > 0) throw problemsError(spec, problems.shown, problems.count);
  const entries = finder.size;
  const duplicates = await confirmDuplicates(spec, finder.candidateGroups(), everyItem, signal);
  const duplicateLines = new Set(duplicates.map((d) => d.line));
  const duplicateIds = new Set(duplicates.map((d) => d.id));
  for (const d of duplicates) classify(d.item, state, accept, counts, -1, changes);
  if (items && duplicateIds.size > 0) items = items.filter(firstOccurrences(duplicateIds));

  const warnings: string[] = [];
  if (duplicates.length > 0) warnings.push(duplicatesWarning(spec, duplicates));
  const total = entries - duplicates.length - counts.notMine;
  if (entries === 0) warnings.push(`${spec.label} has no items: nothing to do`);
  const { alreadyDone, heldFailed, changed } = counts;
  return {
    total,
    alreadyDone,
    heldFailed,
    pending: total - alreadyDone - heldFailed,
    changed,
    duplicateLines,
    duplicateIds,
    warnings,
    ...(items ? { items } : {}),
  };
}

/** The problems found: all counted, the first MAX_PROBLEMS_SHOWN kept. */
class ProblemList {
  readonly shown: SourceProblem[] = [];
  count = 0;
  add(problem: SourceProblem): void {
    this.count++;
    if (this.shown.length < MAX_PROBLEMS_SHOWN) this.shown.push(problem);
  }
}

/** Bad input, every problem with its line (the first MAX_PROBLEMS_SHOWN), before any work. */
function problemsError(spec: SourceSpec, problems: SourceProblem[], problemCount: number): ConfigError {
  const lines = problems.map((p) => `  ${spec.label}:${p.line}: ${p.message}`);
  if (problemCount > problems.length) lines.push(`  … and ${problemCount - problems.length} more`);
  return new ConfigError(
    `${problemCount} problem(s) in the items; nothing was processed. Fix or remove these lines and run again:\n${lines.join("\n")}`,
  );
}

/** The warning for repeated ids: the first ten with both lines. */
function duplicatesWarning(spec: SourceSpec, duplicates: ReadonlyArray<{ id: string; line: number; firstLine: number }>): string {
  const examples = duplicates
    .slice(0, 10)
    .map((d) => `  ${spec.label}:${d.line}: id ${JSON.stringify(truncate(d.id))} already on line ${d.firstLine}`);
  return (
    `${duplicates.length} duplicate id(s) skipped (the first occurrence is processed):\n` +
    examples.join("\n") +
    (duplicates.length > examples.length ? "\n  …" : "")
  );
}

interface Counts {
  alreadyDone: number;
  heldFailed: number;
  notMine: number;
  changed: number;
}

/**
 * Counts an item into notMine, alreadyDone or heldFailed (by `step`); true when it is
 * pending (also counted into changed when it is pending because its content changed).
 */
function classify(
  item: Item,
  state: BatchState,
  accept: (id: string) => boolean,
  counts: Counts,
  step: 1 | -1,
  changes: ChangeCheck | undefined,
): boolean {
  const id = item.id;
  if (!accept(id)) {
    counts.notMine += step;
    return false;
  }
  // With reprocess-changed one lookup finds both whether it is done and what it was.
  const doneIndex = changes === undefined ? (state.done.has(id) ? 0 : -1) : state.done.indexOf(id);
  const done = doneIndex !== -1;
  const failed = !done && state.failures.size > 0 && state.failures.has(id);
  if (changes !== undefined && (done || failed) && hasChanged(state, item, changes, doneIndex)) {
    counts.changed += step;
    return true;
  }
  if (done) counts.alreadyDone += step;
  else if (failed && !isPending(state, id)) counts.heldFailed += step;
  else return true;
  return false;
}

/**
 * A filter over items in source order that drops the later occurrences of these ids. By
 * id, not by line: two elements of a JSON array can share a line.
 */
export function firstOccurrences(duplicateIds: ReadonlySet<string>): (item: Item) => boolean {
  const seen = new Set<string>();
  return (item) => {
    if (!duplicateIds.has(item.id)) return true;
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  };
}

interface Duplicate {
  line: number;
  id: string;
  firstLine: number;
  item: Item;
}

/**
 * Reads the ids of the candidate items (equal hashes) and keeps the real repeats, in
 * source order. Nothing is read when there are no candidates.
 */
async function confirmDuplicates(
  spec: SourceSpec,
  groups: number[][],
  everyItem: readonly Item[] | undefined,
  signal?: AbortSignal,
): Promise<Duplicate[]> {
  if (groups.length === 0) return [];
  const wanted = new Set(groups.flat());
  const found = new Map<number, Item>();
  if (everyItem) {
    for (const n of wanted) found.set(n, everyItem[n]!);
  } else {
    let number = 0;
    for await (const batch of readSource(spec, signal)) {
      for (const entry of batch) {
        if (!entry.item) continue;
        if (wanted.has(number)) found.set(number, entry.item);
        number++;
      }
    }
  }
  const duplicates: Duplicate[] = [];
  for (const group of groups) {
    const firstLineOf = new Map<string, number>();
    for (const n of group) {
      const item = found.get(n);
      if (item === undefined) throw new ConfigError(`the items changed while they were being read (fewer items the second time); run again`);
      const first = firstLineOf.get(item.id);
      if (first === undefined) firstLineOf.set(item.id, item.line);
      else duplicates.push({ line: item.line, id: item.id, firstLine: first, item });
    }
  }
  return duplicates.sort((a, b) => a.line - b.line);
}

function truncate(text: string): string {
  return text.length > 80 ? text.slice(0, 80) + "…" : text;
}
