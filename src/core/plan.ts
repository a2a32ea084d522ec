import type { BatchState } from "./batch-state.js";
import { ConfigError } from "./errors.js";
import { IdIndex } from "./id-index.js";
import { readSource, type SourceProblem, type SourceSpec } from "./item-source.js";
import type { Item } from "./types.js";

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
  /** Lines carrying a second occurrence of an id: skipped, warned about. */
  duplicateLines: Set<number>;
  warnings: string[];
  /** With `retainItems`: the items a normal run should attempt, in source order. */
  items?: Item[];
}

/** Whether a normal run attempts this id: not done, and not failed beyond automatic retry. */
export function isPending(state: BatchState, id: string): boolean {
  if (state.done.has(id)) return false;
  if (state.failures.size === 0) return true;
  const failure = state.failures.get(id);
  return failure === undefined || failure.kind === "transient" || failure.kind === "timeout";
}

/**
 * The first pass over the source, before any work: every line is parsed and checked, so
 * a malformed line, a missing id or invalid UTF-8 rejects the input with the lines to
 * fix and nothing processed — never a crash halfway through a batch. Duplicate ids are a
 * warning: the first occurrence is processed, later ones are skipped.
 *
 * With `retainItems` the pending items are kept as parsed, so the run needs no second
 * pass: parsing every line twice was the largest cost of checkpointing a large file.
 */
export async function planSource(
  spec: SourceSpec, state: BatchState, accept: (id: string) => boolean = () => true, retainItems = false,
): Promise<SourcePlan> {
  const problems: SourceProblem[] = [];
  let problemCount = 0;
  const firstLineOf = new IdIndex();
  const items: Item[] | undefined = retainItems ? [] : undefined;
  const duplicateLines = new Set<number>();
  const duplicateExamples: string[] = [];
  let alreadyDone = 0;
  let heldFailed = 0;
  let notMine = 0;
  for await (const batch of readSource(spec)) {
    for (const entry of batch) {
      if (entry.problem) {
        problemCount++;
        if (problems.length < MAX_PROBLEMS_SHOWN) problems.push(entry.problem);
        continue;
      }
      const { id, line } = entry.item;
      const first = firstLineOf.addFirst(id, line);
      if (first !== -1) {
        duplicateLines.add(line);
        if (duplicateExamples.length < 10) duplicateExamples.push(`${spec.label}:${line}: id ${JSON.stringify(truncate(id))} already on line ${first}`);
        continue;
      }
      if (!accept(id)) {
        notMine++;
        continue;
      }
      if (state.done.has(id)) alreadyDone++;
      else if (!isPending(state, id)) heldFailed++;
      else items?.push(entry.item);
    }
  }
  if (problemCount > 0) {
    const lines = problems.map((p) => `  ${spec.label}:${p.line}: ${p.message}`);
    if (problemCount > problems.length) lines.push(`  … and ${problemCount - problems.length} more`);
    throw new ConfigError(
      `${problemCount} problem(s) in the items; nothing was processed. Fix or remove these lines and run again:\n${lines.join("\n")}`,
    );
  }
  const warnings: string[] = [];
  if (duplicateLines.size > 0) {
    warnings.push(
      `${duplicateLines.size} duplicate id(s) skipped (the first occurrence is processed):\n` +
        duplicateExamples.map((d) => `  ${d}`).join("\n") + (duplicateLines.size > duplicateExamples.length ? "\n  …" : ""),
    );
  }
  const total = firstLineOf.size - notMine;
  if (firstLineOf.size === 0) warnings.push(`${spec.label} has no items: nothing to do`);
  return { total, alreadyDone, heldFailed, pending: total - alreadyDone - heldFailed, duplicateLines, warnings, ...(items ? { items } : {}) };
}

function truncate(text: string): string {
  return text.length > 80 ? text.slice(0, 80) + "…" : text;
}
