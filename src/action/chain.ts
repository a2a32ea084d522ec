import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/index.js";

/**
 * `<state-dir>/chain.json`: where this state stands in a chain of runs that started each
 * other (`continue: dispatch`). It travels with the state (cache and artifact), so the
 * next run knows how many chained runs came before it.
 */
export const CHAIN_FILE = "chain.json";

/** The identity GitHub gives a run that a workflow started with the job's GITHUB_TOKEN. */
export const CHAIN_ACTOR = "github-actions[bot]";

export interface ChainRecord {
  /** Chained runs up to and including the one that wrote this: 0 for a run nobody chained. */
  chain: number;
  /** The run that wrote it. */
  runId: string;
  runAttempt: number;
  /** That run asked for a continuation (decided before its state was saved). */
  continued: boolean;
}

/** The chain record of a state folder; undefined when there is none or it does not parse. */
export function readChainFile(dir: string): ChainRecord | undefined {
  const path = join(dir, CHAIN_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as Partial<ChainRecord>;
    if (typeof v.chain !== "number" || !Number.isInteger(v.chain) || v.chain < 0) return undefined;
    return { chain: v.chain, runId: String(v.runId ?? ""), runAttempt: Number(v.runAttempt) || 1, continued: v.continued === true };
  } catch {
    return undefined;
  }
}

export function writeChainFile(dir: string, record: ChainRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, CHAIN_FILE), JSON.stringify(record) + "\n");
}

/**
 * Whether this run was started by a chain dispatch, so it counts on from the restored
 * record instead of starting a new chain at 0. A dispatch is always a `workflow_dispatch`
 * event; it is a chain's when either
 * - the actor is `github-actions[bot]`: the job's GITHUB_TOKEN made the dispatch (a person
 *   who starts the workflow by hand is the actor of their run, so their run resets), or
 * - the restored state says the run that saved it asked for a continuation: this covers a
 *   `github-token` of a person or an app, whose dispatches carry that identity as actor.
 * A person starting the workflow by hand right after a run that continued is counted as a
 * link of the chain: the guard errs towards stopping early, never towards looping.
 */
export function isChainedRun(env: NodeJS.ProcessEnv, previous: ChainRecord | undefined): boolean {
  if (env.GITHUB_EVENT_NAME !== "workflow_dispatch") return false;
  return env.GITHUB_ACTOR === CHAIN_ACTOR || previous?.continued === true;
}

/** This run's place in its chain. */
export function chainOfRun(env: NodeJS.ProcessEnv, previous: ChainRecord | undefined): number {
  // A re-run attempt restores what its own first attempt saved: the same place, not the next.
  if (previous && previous.runId !== "" && previous.runId === env.GITHUB_RUN_ID) return previous.chain;
  return isChainedRun(env, previous) ? (previous?.chain ?? 0) + 1 : 0;
}
