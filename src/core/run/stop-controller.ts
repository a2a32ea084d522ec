import { setMaxListeners } from "node:events";
import type { System } from "../platform/system.js";
import type { StopReason } from "../platform/types.js";

export type StopSignalName = "SIGINT" | "SIGTERM";

/** Why a run is asked to stop: a stop reason, or a state write error (the run then ends with StateWriteError). */
export type StopRequestReason = Exclude<StopReason, "complete"> | "state-write";

/** How a stop request reaches the engine: the adapter wires process signals to it. */
export interface StopSource {
  subscribe(listener: (signal: StopSignalName) => void): () => void;
}

/**
 * Two-step shutdown (as graphile-worker does): the first request is graceful — `soft`
 * aborts, so nothing new starts and backoff waits end, and in-flight items get graceMs
 * to finish; then `hard` aborts them. A second signal skips the grace.
 */
export class StopController {
  readonly soft = new AbortController();
  readonly hard = new AbortController();
  reason: StopRequestReason | undefined;
  signal: StopSignalName | undefined;
  private cancelGrace: (() => void) | undefined;

  constructor(private readonly system: System) {
    // Every in-flight attempt and backoff wait listens on these: more than 10 at once is
    // the design (high --concurrency), not a leak, so Node must not warn that it is.
    setMaxListeners(0, this.soft.signal, this.hard.signal);
  }

  request(reason: StopRequestReason, graceMs: number, signal?: StopSignalName): void {
    if (this.soft.signal.aborted) {
      if (signal !== undefined) {
        this.signal ??= signal;
        this.abortHard();
      }
      return;
    }
    this.reason = reason;
    this.signal = signal;
    this.soft.abort();
    this.cancelGrace = this.system.setTimer(() => this.abortHard(), graceMs);
  }

  private abortHard(): void {
    this.cancelGrace?.();
    if (!this.hard.signal.aborted) this.hard.abort();
  }

  /** Cancels the grace timer once nothing is in flight, so the process can exit at once. */
  dispose(): void {
    this.cancelGrace?.();
  }
}
