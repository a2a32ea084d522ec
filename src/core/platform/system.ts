import { spawn } from "node:child_process";

/**
 * Everything the engine needs from the outside world that tests must control: the
 * clock, timers, randomness and process spawning. Signals reach the engine as an
 * AbortSignal-like "stop" call from the adapter, not through process.on here.
 */
export interface System {
  nowMs(): number;
  /** Calls fn after ms; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  random(): number;
  spawn: typeof spawn;
}

/** The system clock's time as an ISO 8601 string (what journal records and files store). */
export function isoNow(system: System): string {
  return new Date(system.nowMs()).toISOString();
}

/** Resolves after ms, or early (resolving, not rejecting) when signal aborts. */
export function sleepMs(system: System, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = system.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export const realSystem: System = {
  nowMs: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  random: Math.random,
  spawn,
};
