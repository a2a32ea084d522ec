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

/**
 * A handler that is a plain function call (a module): the call, and how its value or its
 * error becomes the attempt's result. The item runner then settles an attempt with one
 * `then` on the function's own promise rather than another on run()'s: a promise and a
 * microtask less per item. run() does what these three do.
 */
export interface DirectCall {
  /** May throw, or return a value, a promise or a thenable. */
  call(item: Item, ctx: AttemptContext): unknown;
  settled(value: unknown): AttemptResult;
  failed(error: unknown): AttemptResult;
}

/** Processes one item per call; never throws for an item's own failure. */
export interface Handler {
  run(item: Item, ctx: AttemptContext): Promise<AttemptResult>;
  /** The same as run(), in parts, when the handler is a plain function call. */
  direct?: DirectCall;
  /**
   * Starts long-lived resources (worker processes) for this many lanes before the first
   * item, so their start-up overlaps loading the state and checking the items.
   */
  warmUp?(lanes: number): void;
  /** Releases long-lived resources (a worker process). */
  close?(): Promise<void>;
}

export const OK: AttemptResult = Object.freeze({ ok: true });
