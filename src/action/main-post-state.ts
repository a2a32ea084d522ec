import type { RunBatchResult } from "../core/index.js";
import type { ActionCore } from "./host.js";
import type { ContinueMode } from "./inputs.js";
import type { RestoreOutcome } from "./restore-state.js";

/** What main decided that post needs, saved as soon as the inputs are valid. */
export interface RunContext {
  stateDir: string;
  /** The path string the cache saves and restores (see names.ts). */
  cachePath: string;
  cachePrefix: string;
  cacheKey: string;
  /** The state artifacts' names without the seq (names.ts): post adds the saved state's seq. */
  artifactPrefix: string;
  artifactRetentionDays: number;
  stateKey: string;
  /** `i/n` when sharded. */
  shard?: string;
  runId: string;
  runAttempt: number;
  retryFailures: boolean;
  /** `continue` and `max-chain`: whether post starts the workflow again. */
  continueMode: ContinueMode;
  maxChain: number;
}

/** What post saves under: the context with the artifact's full name, once the saved seq is known. */
export type SavingContext = RunContext & { artifactName: string };

/** This run's figures as post shows them (RunBatchResult without its warnings). */
export type SavedResult = Omit<RunBatchResult, "warnings">;

/**
 * Main → post, like actions/cache's IStateProvider: one small interface over
 * `core.saveState` / `core.getState`. Every value is written the moment it is known, so a
 * main step that died early still leaves post what it got that far; `undefined` is the
 * "no state" path (main never got there, or the value does not parse).
 */
export interface MainPostState {
  saveContext(context: RunContext): void;
  context(): RunContext | undefined;
  saveRestore(outcome: RestoreOutcome): void;
  restore(): RestoreOutcome | undefined;
  saveResult(result: RunBatchResult): void;
  result(): SavedResult | undefined;
}

const CONTEXT = "resumable-batch-context";
const RESTORE = "resumable-batch-restore";
const RESULT = "resumable-batch-result";

export function mainPostState(core: Pick<ActionCore, "saveState" | "getState">): MainPostState {
  const read = <T>(name: string, check: (v: Record<string, unknown>) => boolean): T | undefined => {
    const text = core.getState(name);
    if (!text) return undefined;
    try {
      const value = JSON.parse(text) as unknown;
      return typeof value === "object" && value !== null && check(value as Record<string, unknown>) ? (value as T) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    saveContext: (c) => core.saveState(CONTEXT, JSON.stringify(c)),
    context: () =>
      read<RunContext>(CONTEXT, (v) => typeof v.stateDir === "string" && typeof v.cacheKey === "string" && typeof v.artifactPrefix === "string"),
    saveRestore: (o) => core.saveState(RESTORE, JSON.stringify(o)),
    restore: () => read<RestoreOutcome>(RESTORE, (v) => typeof v.source === "string" && typeof v.seq === "number"),
    saveResult: (result) => {
      const { warnings: _warnings, ...rest } = result;
      core.saveState(RESULT, JSON.stringify(rest));
    },
    result: () => read<SavedResult>(RESULT, (v) => typeof v.processed === "number" && typeof v.stopReason === "string"),
  };
}
