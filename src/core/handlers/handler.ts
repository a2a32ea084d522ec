import type { ItemErrorKind } from "../platform/errors.js";
import type { Item } from "../platform/types.js";

/** What a handler is told about one attempt at one item. */
export interface AttemptContext {
  id: string;
  /** 1-based, counted across runs: the first attempt ever is 1. */
  attempt: number;
  /** Stable across attempts and runs: pass it to APIs that deduplicate requests. */
  idempotencyKey: string;
  /** Fires when the attempt must stop: its timeout, or the run's shutdown grace ending. */
  signal: AbortSignal;
  /**
   * Fires as soon as the run starts to stop (the first SIGINT/SIGTERM, the budget): the
   * item may still finish within the grace; a long item can use it to wrap up early.
   */
  stopping: AbortSignal;
}

export type AttemptResult =
  /** result: what the handler produced (kept with --results); undefined means none. */
  | { ok: true; result?: unknown }
  /** exitCode: a command's exit status, when it exited (for the job log). */
  | { ok: false; kind: ItemErrorKind; error: string; retryAfterMs?: number; throttled?: boolean; exitCode?: number }
  | SetupFailure;

/**
 * The handler itself cannot work — a command without its execute bit or not found (exit
 * 126/127), a worker that dies before answering anything — so the outcome says nothing
 * about the item: the run stops, the item stays pending, and the error says how to fix it.
 */
export interface SetupFailure {
  ok: false;
  kind: "setup";
  error: string;
}

/** Processes one item per call; never throws for an item's own failure. */
export interface Handler {
  run(item: Item, ctx: AttemptContext): Promise<AttemptResult>;
  /**
   * Starts long-lived resources (worker processes) for this many lanes before the first
   * item, so their start-up overlaps loading the state and checking the items.
   */
  warmUp?(lanes: number): void;
  /** Releases long-lived resources (a worker process). */
  close?(): Promise<void>;
}

export const OK: AttemptResult = Object.freeze({ ok: true });
