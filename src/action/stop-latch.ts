import type { StopSignalName, StopSource } from "../core/index.js";

/**
 * The process's signals, listened to from the first moment of the main step: Node exits at
 * once on SIGINT without a listener, and a cancel can come while state is being restored,
 * before the engine subscribes. Remembers the first signal (`stopped`, `whenStopped`) and
 * passes every signal on to the engine's listeners.
 */
export class StopLatch implements StopSource {
  signal: StopSignalName | undefined;
  readonly whenStopped: Promise<StopSignalName>;
  private readonly listeners = new Set<(signal: StopSignalName) => void>();
  private resolveStopped!: (signal: StopSignalName) => void;
  private readonly detach: () => void;

  constructor(signals: StopSource) {
    this.whenStopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.detach = signals.subscribe((signal) => {
      if (this.signal === undefined) {
        this.signal = signal;
        this.resolveStopped(signal);
      }
      for (const listener of [...this.listeners]) listener(signal);
    });
  }

  get stopped(): boolean {
    return this.signal !== undefined;
  }

  /**
   * A signal that came before the engine subscribed (while it read the items, say) is
   * passed on at once: the engine must not run on until the runner's SIGTERM.
   */
  subscribe(listener: (signal: StopSignalName) => void): () => void {
    this.listeners.add(listener);
    if (this.signal !== undefined) listener(this.signal);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.detach();
    this.listeners.clear();
  }
}
