import { errorMessage, formatDurationMs, type System } from "../core/index.js";

/** The outcome of a service call with a time limit of our own. */
export type Bounded<T> = { ok: true; value: T } | { ok: false; timedOut: boolean; reason: string; error?: unknown };

/**
 * Runs `call` with a timeout: the cache and artifact clients never give up on a service that
 * accepted a request and went quiet (docs/ARCHITECTURE.md). On timeout the signal aborts (the REST
 * client honours it) and the result says so; the abandoned promise is left to settle on its
 * own, its rejection swallowed. Never throws.
 */
export function bounded<T>(system: System, timeoutMs: number, what: string, call: (signal: AbortSignal) => Promise<T>): Promise<Bounded<T>> {
  const controller = new AbortController();
  return new Promise((resolve) => {
    let settled = false;
    const cancel = system.setTimer(() => {
      if (settled) return;
      settled = true;
      controller.abort(new Error(`${what} timed out`));
      resolve({ ok: false, timedOut: true, reason: `${what} did not finish within ${formatDurationMs(timeoutMs)}` });
    }, timeoutMs);
    let started: Promise<T>;
    try {
      started = call(controller.signal);
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      (value) => {
        if (settled) return;
        settled = true;
        cancel();
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cancel();
        resolve({ ok: false, timedOut: false, reason: `${what} failed: ${errorMessage(error).split("\n")[0]}`, error });
      },
    );
  });
}
