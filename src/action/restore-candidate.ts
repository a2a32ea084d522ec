import { errorMessage, loadState } from "../core/index.js";
import type { ActionHost, ActionTimeouts } from "./host.js";
import type { StateNames } from "./names.js";
import { stateFolderProblem } from "./state-folder.js";

/**
 * Where the run's starting state came from. `workspace`: the state folder already held a
 * state at least as new as the others (a self-hosted runner's workspace, or an earlier step
 * of the same job). `unavailable`: nothing was restored because a place that may hold the
 * saved state could not be reached; the run then processes nothing (see restoreState).
 */
export type StateSource = "cache" | "artifact" | "fresh" | "workspace" | "unavailable";

/** A service that timed out once in this job: not called again by this job (post included). */
export type SickService = "cache" | "rest";

export interface RestoreOutcome {
  source: StateSource;
  /** For people: the cache key, or the artifact and its run. */
  detail: string;
  /** Sequence number of the restored state (0 for a fresh start). */
  seq: number;
  /** On a fresh start or `unavailable`: why nothing was restored (each place's answer). */
  freshReason?: string;
  /** Services whose calls timed out while restoring: post skips them. */
  sick?: SickService[];
}

export interface RestoreRequest {
  host: ActionHost;
  timeouts: ActionTimeouts;
  stateDir: string;
  /** The cache path string (names.ts cachePathFor): `<state-dir>/.cache-transfer`. */
  cachePath: string;
  names: StateNames;
  /** For artifacts of earlier runs; blank skips that fallback. */
  token: string;
  owner: string;
  repo: string;
  /** Only artifacts from runs of this branch are trusted (undefined: branch unknown, none are). */
  branch: string | undefined;
  /** Scratch space outside the workspace (RUNNER_TEMP). */
  tempDir: string;
  /** True once a stop arrived: nothing is written into the state folder after that. */
  stopped: () => boolean;
}

export interface Candidate {
  source: Exclude<StateSource, "fresh" | "unavailable">;
  dir: string;
  seq: number;
  detail: string;
}

/**
 * A source's answer: a valid state, or why there is none. `failed`: the source could not
 * be reached or did not answer (an error, a timeout, a spent rate limit) — it may hold the
 * newest state; `missing` alone is a real "nothing here". `timedOut`: a call was abandoned.
 */
export type Lookup = { candidate: Candidate } | { missing: string; failed?: boolean; timedOut?: boolean };

/** The state's sequence number, or the reason loadState rejects it. */
export function validSeq(dir: string): number | string {
  try {
    return loadState(dir).state.origin.seq;
  } catch (error) {
    return errorMessage(error);
  }
}

export function accept(dir: string, source: Candidate["source"], detail: string): Lookup {
  const problem = stateFolderProblem(dir);
  if (problem) return { missing: `rejected ${detail}: ${problem}` };
  const seq = validSeq(dir);
  if (typeof seq !== "number") return { missing: `rejected ${detail}: ${seq}` };
  if (seq === 0) return { missing: `${detail} holds no run` };
  return { candidate: { source, dir, seq, detail } };
}
