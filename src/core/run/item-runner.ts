import { backoffDelayMs, type BackoffPolicy } from "./backoff.js";
import type { Budget } from "./budget.js";
import type { ItemErrorKind } from "../platform/errors.js";
import type { AttemptContext, AttemptResult, DirectCall, Handler, SetupFailure } from "../handlers/handler.js";
import { idempotencyKey } from "./idempotency.js";
import type { Redo } from "./redo.js";
import { PermanentError, TransientError } from "../platform/errors.js";
import { sleepMs, type System } from "../platform/system.js";
import type { Item } from "../platform/types.js";

export type ItemOutcome =
  | { status: "done"; attempts: number; result?: unknown }
  /** deferred: a retry was due but its backoff did not fit the time budget (the next run retries it). */
  | { status: "failed"; kind: ItemErrorKind; error: string; attempts: number; exitCode?: number; deferred?: boolean }
  /** Stopped by shutdown or budget before an outcome: not a failure, simply not done. */
  | { status: "cutoff"; attempts: number }
  /** The handler cannot work at all (see SetupFailure): the run stops, the item stays pending. */
  | { status: "setup"; error: string; attempts: number };

export interface ItemRunnerOptions {
  handler: Handler;
  system: System;
  /** Attempts per item in one run. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  itemTimeoutMs?: number;
  /** How long to wait for a handler that ignores its abort signal before walking away. */
  abandonAfterMs: number;
  /** Graceful stop: no new attempts, backoff waits end. */
  soft: AbortSignal;
  /** Hard stop: in-flight attempts are aborted. */
  hard: AbortSignal;
  budget: Budget;
  idempotencyNamespace: string;
  /** The pass the run belongs to (1 when absent); part of every idempotency key. */
  pass?: number;
  /**
   * The item's version within the pass (how often it changed, with reprocess-changed);
   * part of its idempotency key. Asked only when a handler reads the key.
   */
  versionOf?: (item: Item) => number;
  /** Items processed again on purpose (redo-ids): their key takes the redo's tag, so it is new. */
  redo?: Redo;
  /** Told about each failed attempt that will be retried, for the log. */
  onRetry?: (item: Item, attempt: number, result: Extract<AttemptResult, { ok: false }>, delayMs: number) => void;
  /** Told when a server throttled us (429, Retry-After), with the wait it implies. */
  onThrottle?: (delayMs: number) => void;
}

/**
 * The context a handler sees. A class with a lazy key, because hashing the id costs about
 * a microsecond — as much as the rest of the engine's per-item work — and most module
 * handlers never read it.
 */
class Context implements AttemptContext {
  private key: string | undefined;
  readonly TransientError = TransientError;
  readonly PermanentError = PermanentError;
  constructor(
    readonly id: string,
    readonly attempt: number,
    readonly signal: AbortSignal,
    readonly stopping: AbortSignal,
    o: ItemRunnerOptions,
    item: Item,
  ) {
    this.#o = o;
    this.#item = item;
  }
  // Truly private (#): a handler that spreads or prints its ctx must not meet the run's options.
  readonly #o: ItemRunnerOptions;
  readonly #item: Item;
  get idempotencyKey(): string {
    const o = this.#o;
    const namespace = o.redo !== undefined && o.redo.ids.has(this.id) ? `${o.idempotencyNamespace}\0${o.redo.tag}` : o.idempotencyNamespace;
    return (this.key ??= idempotencyKey(this.id, namespace, o.pass ?? 1, o.versionOf ? o.versionOf(this.#item) : 0));
  }
}

/**
 * Runs one item to an outcome: retries transient failures and timeouts with backoff
 * while attempts, the budget and the run allow; a permanent failure ends at once.
 * @param priorAttempts attempts made in earlier runs (so ITEM_ATTEMPT keeps counting)
 */
export function runItem(item: Item, priorAttempts: number, o: ItemRunnerOptions): Promise<ItemOutcome> {
  if (o.itemTimeoutMs !== undefined || o.maxAttempts < 1 || o.hard.aborted) return runAttempts(item, priorAttempts, o, undefined);
  // The common case — a first attempt without an item timeout — as one promise that the
  // attempt's watcher resolves with the outcome, rather than an async function (its frame
  // and await cost about as much as the rest of the runner) or a `then` on the settled
  // attempt (a promise and a microtask more per item). A failure goes on in runAttempts.
  const startedAtMs = o.budget.deadlineAtMs !== undefined ? o.system.nowMs() : NOT_TIMED;
  const ctx = new Context(item.id, priorAttempts + 1, o.hard, o.soft, o, item);
  return new Promise((resolve) => {
    const first = new FirstAttempt(resolve, o, watchersOf(o.hard), item, priorAttempts, startedAtMs);
    const direct = o.handler.direct;
    if (direct === undefined) return first.watch(startAttempt(o.handler, item, ctx));
    // A module: its own promise settled straight into the attempt (see DirectCall).
    let returned: unknown;
    try {
      returned = direct.call(item, ctx);
    } catch (error) {
      return first.watch(Promise.resolve(failedSafely(direct, error)));
    }
    first.watchDirect(Promise.resolve(returned), direct);
  });
}

/** startedAtMs of a first attempt the budget does not time (no deadline: the clock is spared). */
const NOT_TIMED = -1;

const DONE_AT_FIRST: ItemOutcome = Object.freeze({ status: "done", attempts: 1 });

/** The attempts loop; `first` is the first attempt's result when runItem already made it. */
async function runAttempts(
  item: Item,
  priorAttempts: number,
  o: ItemRunnerOptions,
  first: { result: AttemptResult; startedAtMs: number } | undefined,
): Promise<ItemOutcome> {
  let last: ItemFailure | undefined;
  let made = 0;
  for (let n = 1; n <= o.maxAttempts; n++) {
    if (n > 1 && o.soft.aborted) return { status: "cutoff", attempts: n - 1 };
    // Without a deadline the budget never reads what it observes: spare the clock.
    const timed = o.budget.deadlineAtMs !== undefined;
    let startedAtMs = timed ? o.system.nowMs() : 0;
    let result: AttemptResult;
    let timedOut = false;
    if (n === 1 && first !== undefined) {
      ({ result, startedAtMs } = first);
    } else if (o.itemTimeoutMs === undefined) {
      result = await settle(startAttempt(o.handler, item, new Context(item.id, priorAttempts + n, o.hard, o.soft, o, item)), o.hard, o);
    } else {
      ({ result, timedOut } = await attemptWithTimeout(item, priorAttempts + n, o, o.itemTimeoutMs));
    }
    made = n;
    if (result.ok) {
      if (timed) o.budget.observe(o.system.nowMs() - startedAtMs);
      return { status: "done", attempts: n, result: result.result };
    }
    if (result.kind === "setup") return { status: "setup", error: result.error, attempts: n - 1 };
    if (o.hard.aborted && !timedOut) return { status: "cutoff", attempts: n - 1 };
    last = timedOut
      ? { ok: false, kind: "timeout", error: `timed out after ${o.itemTimeoutMs}ms${result.error ? ` (${result.error})` : ""}` }
      : result;
    if (last.kind === "timeout" || last.kind === "transient") o.budget.observe(o.system.nowMs() - startedAtMs);
    if (last.kind === "permanent" || n === o.maxAttempts) break;
    const delayMs = backoffDelayMs(n, o.backoff, o.system.random, last.retryAfterMs);
    if (!o.budget.fitsWait(o.system.nowMs(), delayMs)) {
      last = {
        ...last,
        error: `${last.error} (not retried: the time budget would not cover the ${Math.round(delayMs)}ms backoff; the next run retries it)`,
      };
      return { status: "failed", kind: last.kind, error: last.error, attempts: n, exitCode: last.exitCode, deferred: true };
    }
    o.onRetry?.(item, priorAttempts + n, last, delayMs);
    if (last.throttled) o.onThrottle?.(delayMs);
    await sleepMs(o.system, delayMs, o.soft);
    if (o.soft.aborted) return { status: "cutoff", attempts: n };
  }
  const failure = last as ItemFailure;
  return { status: "failed", kind: failure.kind, error: failure.error, attempts: made, exitCode: failure.exitCode };
}

type ItemFailure = Exclude<AttemptResult, { ok: true } | SetupFailure>;

/**
 * Calls the handler for one attempt. A handler that throws instead of returning a failure
 * (a bug, an item its serialiser cannot take) fails that item, never the run.
 */
function startAttempt(handler: Handler, item: Item, ctx: AttemptContext): Promise<AttemptResult> {
  try {
    return handler.run(item, ctx);
  } catch (error) {
    return Promise.resolve(crashed(error));
  }
}

/** A DirectCall's failure result; an error whose classifying throws (a hostile getter) is a crash, as in startAttempt. */
function failedSafely(direct: DirectCall, error: unknown): AttemptResult {
  try {
    return direct.failed(error);
  } catch (classifying) {
    return crashed(classifying);
  }
}

function crashed(error: unknown): AttemptResult {
  return { ok: false, kind: "permanent", error: `handler crashed: ${safeString(error)}` };
}

/** String(error), which may itself throw (a throwing toString, a revoked Proxy). */
function safeString(value: unknown): string {
  try {
    return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  } catch {
    return "an error that cannot be turned into text";
  }
}

const ABANDONED: AttemptResult = Object.freeze({ ok: false, kind: "timeout", error: "the handler did not stop when asked" });

async function attemptWithTimeout(
  item: Item,
  attemptNumber: number,
  o: ItemRunnerOptions,
  itemTimeoutMs: number,
): Promise<{ result: AttemptResult; timedOut: boolean }> {
  const timeout = new AbortController();
  const cancelTimer = o.system.setTimer(() => timeout.abort(), itemTimeoutMs);
  const signal = AbortSignal.any([o.hard, timeout.signal]);
  try {
    const ctx = new Context(item.id, attemptNumber, signal, o.soft, o, item);
    const result = await settle(o.handler.run(item, ctx), signal, o);
    return { result, timedOut: timeout.signal.aborted && !result.ok };
  } finally {
    cancelTimer();
  }
}

/**
 * Waits for the handler; once its signal fires, waits at most abandonAfterMs more. A
 * module that ignores its AbortSignal must not hold the run (or the shutdown) forever.
 */
function settle(run: Promise<AttemptResult>, signal: AbortSignal, o: ItemRunnerOptions): Promise<AttemptResult> {
  if (signal.aborted) return withAbandon(run, o);
  return new Promise((resolve) => new Attempt(resolve, o, watchersOf(signal)).watch(run));
}

/**
 * One attempt waiting for its handler. An object in the signal's watch list rather than
 * an abort closure and an unwatch closure: fewer allocations on the per-item path. What
 * becomes of the result is the subclass's `deliver`, called once.
 */
abstract class Settling {
  private cancelAbandon: (() => void) | undefined;
  private delivered = false;
  /** Neighbours in the watch list while listed (see WatchList). */
  prev: Settling | undefined;
  next: Settling | undefined;
  listed = false;
  constructor(
    protected readonly o: ItemRunnerOptions,
    private readonly watching: WatchList,
  ) {}
  watch(run: Promise<AttemptResult>): void {
    this.watching.add(this);
    run.then(
      (result) => this.end(result),
      (error: unknown) => this.end(crashed(error)),
    );
  }
  /** watch() for a DirectCall's promise: its value or error made the attempt's result here. */
  watchDirect(run: Promise<unknown>, direct: DirectCall): void {
    this.watching.add(this);
    run.then(
      (value) => this.end(direct.settled(value)),
      (error: unknown) => this.end(failedSafely(direct, error)),
    );
  }
  /** The signal fired: give the handler abandonAfterMs more. */
  aborted(): void {
    this.cancelAbandon = this.o.system.setTimer(() => this.once(ABANDONED), this.o.abandonAfterMs);
  }
  private end(result: AttemptResult): void {
    this.watching.remove(this);
    this.cancelAbandon?.();
    this.once(result);
  }
  /** An abandoned attempt's handler may still settle later: its result then goes nowhere. */
  private once(result: AttemptResult): void {
    if (this.delivered) return;
    this.delivered = true;
    this.deliver(result);
  }
  protected abstract deliver(result: AttemptResult): void;
}

/** An attempt whose caller awaits its result (settle). */
class Attempt extends Settling {
  constructor(
    private readonly resolve: (result: AttemptResult) => void,
    o: ItemRunnerOptions,
    watching: WatchList,
  ) {
    super(o, watching);
  }
  protected deliver(result: AttemptResult): void {
    this.resolve(result);
  }
}

/** An item's first attempt in runItem's common case: resolves with the item's outcome. */
class FirstAttempt extends Settling {
  constructor(
    private readonly resolve: (outcome: ItemOutcome | Promise<ItemOutcome>) => void,
    o: ItemRunnerOptions,
    watching: WatchList,
    private readonly item: Item,
    private readonly priorAttempts: number,
    private readonly startedAtMs: number,
  ) {
    super(o, watching);
  }
  protected deliver(result: AttemptResult): void {
    const { o, startedAtMs } = this;
    if (!result.ok) return this.resolve(runAttempts(this.item, this.priorAttempts, o, { result, startedAtMs }));
    if (startedAtMs !== NOT_TIMED) o.budget.observe(o.system.nowMs() - startedAtMs);
    this.resolve(result.result === undefined ? DONE_AT_FIRST : { status: "done", attempts: 1, result: result.result });
  }
}

/**
 * The attempts watching one signal, behind one 'abort' listener per signal. Every attempt
 * of a run waits on the same stop signal: adding and removing an EventTarget listener per
 * attempt cost more than the rest of the runner's per-item work. A linked list through
 * the attempts, not a Set: joining and leaving are a few pointer writes, with no hashing,
 * and attempts are told in the order they joined.
 */
class WatchList {
  private head: Settling | undefined;
  private tail: Settling | undefined;
  constructor(signal: AbortSignal) {
    signal.addEventListener(
      "abort",
      () => {
        let s = this.head;
        this.head = this.tail = undefined;
        while (s !== undefined) {
          const next = s.next;
          s.prev = s.next = undefined;
          s.listed = false;
          s.aborted();
          s = next;
        }
      },
      { once: true },
    );
  }
  add(s: Settling): void {
    s.listed = true;
    s.prev = this.tail;
    if (this.tail === undefined) this.head = s;
    else this.tail.next = s;
    this.tail = s;
  }
  /** Leaving after the signal fired (the list was emptied then) is a no-op. */
  remove(s: Settling): void {
    if (!s.listed) return;
    s.listed = false;
    if (s.prev === undefined) this.head = s.next;
    else s.prev.next = s.next;
    if (s.next === undefined) this.tail = s.prev;
    else s.next.prev = s.prev;
    s.prev = s.next = undefined;
  }
}

const watchLists = new WeakMap<AbortSignal, WatchList>();

function watchersOf(signal: AbortSignal): WatchList {
  let list = watchLists.get(signal);
  if (list === undefined) {
    list = new WatchList(signal);
    watchLists.set(signal, list);
  }
  return list;
}

function withAbandon(run: Promise<AttemptResult>, o: ItemRunnerOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const cancel = o.system.setTimer(() => resolve(ABANDONED), o.abandonAfterMs);
    run.then(
      (r) => {
        cancel();
        resolve(r);
      },
      () => {
        cancel();
        resolve(ABANDONED);
      },
    );
  });
}
