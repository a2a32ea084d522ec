/**
 * The engine's error taxonomy (STYLE.md): configuration errors stop before any work
 * (exit 2); item errors are classified once into transient / permanent / timeout;
 * state errors mean the checkpoint cannot be trusted.
 */

/** Bad usage, configuration or input, found before any item was processed. Exit status 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Restored or on-disk state that cannot be trusted (corrupt, wrong version, unexpected files). */
export class StateError extends Error {
  override name = "StateError";
}

/**
 * The state folder could not be written (a full disk, a read-only or vanished folder).
 * Exit status 5: the run stopped, the lock is released, and what is on disk is consistent
 * (whole journal lines); finished items not yet written run again next time.
 */
export class StateWriteError extends Error {
  override name = "StateWriteError";
  constructor(stateDir: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException | undefined;
    const text = errorMessage(cause);
    const what = e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
    const fix = e?.code === "ENOSPC" || e?.code === "EDQUOT" ? "free space on its disk" : "make it writable";
    super(
      `cannot write the state folder ${stateDir} (${what}). The run stopped and the state on disk is consistent; ` +
        `${fix}, then run again (items finished since the last write run again, which their idempotency keys make safe)`,
      { cause },
    );
  }
}

/**
 * SIGINT or SIGTERM arrived before any item started (while the items were read and
 * checked): nothing was run and the state is as it was. Exit 130 / 143 like any stop.
 */
export class StoppedBeforeStartError extends Error {
  override name = "StoppedBeforeStartError";
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`${signal} received while the items were read: nothing was run, and the state is as it was`);
  }

  get exitCode(): number {
    return this.signal === "SIGTERM" ? 143 : 130;
  }
}

/** Thrown by a module handler (or given as `ctx.TransientError`) for an error worth retrying. */
export class TransientError extends Error {
  override name = "TransientError";
  readonly transient = true;
  /** Wait at least this long before the next attempt (like an HTTP Retry-After). */
  retryAfterMs?: number;
  constructor(message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Thrown by a module handler for an error that retrying cannot fix (bad data). */
export class PermanentError extends Error {
  override name = "PermanentError";
  readonly permanent = true;
}

export type ItemErrorKind = "transient" | "permanent" | "timeout";

export interface ClassifiedError {
  kind: ItemErrorKind;
  message: string;
  /** Server-requested wait before the next attempt, from Retry-After or retryAfterMs. */
  retryAfterMs?: number;
  /** The server said "too many requests" (429 or Retry-After): slow the whole batch. */
  throttled?: boolean;
}

/** Error codes of Node's net/dns/undici layers that mean "the network hiccupped": retry. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENOTCONN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

const MAX_MESSAGE_CHARS = 2000;

/**
 * Classifies whatever a module handler threw. Explicit marks win (`transient`/`permanent`
 * properties, as p-retry's AbortError and BullMQ's UnrecoverableError do by class); then
 * HTTP status (408, 429 and 5xx are transient; other 4xx permanent); then network error
 * codes; `fetch`'s "fetch failed" TypeError wraps a network error in `cause`.
 * Anything else is permanent: retrying a bug or bad data only burns the budget.
 */
export function classifyError(error: unknown, nowMs: number): ClassifiedError {
  const message = errorMessage(error);
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const retryAfterMs = retryAfterFrom(e, nowMs);
  if (e.permanent === true || e.name === "PermanentError") return { kind: "permanent", message };
  if (e.transient === true || e.retryable === true || e.name === "TransientError") {
    return { kind: "transient", message, retryAfterMs, throttled: retryAfterMs !== undefined };
  }
  if (e.name === "TimeoutError") return { kind: "timeout", message };
  const status = httpStatusOf(e);
  if (status !== undefined) {
    const transient = status === 408 || status === 429 || status >= 500;
    if (!transient) return { kind: "permanent", message };
    return { kind: "transient", message, retryAfterMs, throttled: status === 429 || retryAfterMs !== undefined };
  }
  if (isNetworkError(e)) return { kind: "transient", message, retryAfterMs };
  return { kind: "permanent", message };
}

function isNetworkError(e: Record<string, unknown>): boolean {
  if (typeof e.code === "string" && NETWORK_ERROR_CODES.has(e.code)) return true;
  const cause = e.cause as Record<string, unknown> | undefined;
  if (cause && typeof cause === "object") {
    if (typeof cause.code === "string" && NETWORK_ERROR_CODES.has(cause.code)) return true;
  }
  // fetch() rejects with TypeError("fetch failed") for connection-level failures.
  return e.name === "TypeError" && e.message === "fetch failed";
}

function httpStatusOf(e: Record<string, unknown>): number | undefined {
  const response = e.response as Record<string, unknown> | undefined;
  for (const v of [e.status, e.statusCode, response?.status, response?.statusCode]) {
    if (typeof v === "number" && v >= 100 && v <= 599) return v;
  }
  return undefined;
}

function retryAfterFrom(e: Record<string, unknown>, nowMs: number): number | undefined {
  if (typeof e.retryAfterMs === "number" && e.retryAfterMs >= 0) return e.retryAfterMs;
  const response = e.response as Record<string, unknown> | undefined;
  const headers = (response?.headers ?? e.headers) as unknown;
  let value: unknown;
  if (headers && typeof (headers as { get?: unknown }).get === "function") {
    value = (headers as { get(name: string): unknown }).get("retry-after");
  } else if (headers && typeof headers === "object") {
    const h = headers as Record<string, unknown>;
    value = h["retry-after"] ?? h["Retry-After"];
  }
  return parseRetryAfter(value, nowMs);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value === "number" && value >= 0) return value * 1000;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

export function errorMessage(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message || error.name;
  else if (typeof error === "string") text = error;
  else {
    try {
      text = JSON.stringify(error) ?? String(error);
    } catch {
      text = String(error);
    }
  }
  return text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS) + "…" : text;
}
