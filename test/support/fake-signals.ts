import type { StopSignalName, StopSource } from "../../src/core/run/stop-controller.js";

/** A StopSource the test fires by hand: what SIGINT / SIGTERM would deliver. */
export class FakeSignals implements StopSource {
  private listeners = new Set<(s: StopSignalName) => void>();
  subscribe(listener: (s: StopSignalName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  fire(signal: StopSignalName): void {
    for (const l of [...this.listeners]) l(signal);
  }
  /** Listeners still subscribed (0 once the run has let go). */
  get count(): number {
    return this.listeners.size;
  }
}
