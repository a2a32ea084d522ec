import { formatDurationMs, type Logger, type ProgressSnapshot } from "../core/index.js";

/**
 * Progress for people: on a terminal, one bar redrawn in place with rate and ETA; in a
 * log (CI, a pipe), a line every few seconds. Log messages clear the bar first, so the
 * two never interleave on one line.
 */
export class ProgressDisplay implements Logger {
  private barShown = false;
  private lastLogAtMs = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly isTty: boolean,
    private readonly logEveryMs = 5000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  update(p: ProgressSnapshot): void {
    if (this.isTty) {
      this.out.write(`\r${renderBar(p, this.out.columns ?? 80)}\x1b[K`);
      this.barShown = true;
      return;
    }
    const now = this.nowMs();
    if (now - this.lastLogAtMs < this.logEveryMs && p.left > 0) return;
    this.lastLogAtMs = now;
    this.out.write(`${renderLogLine(p)}\n`);
  }

  /** Ends the bar's line so what follows starts on a fresh one. */
  finish(): void {
    if (this.barShown) this.out.write("\n");
    this.barShown = false;
  }

  info(message: string): void {
    this.write(message);
  }
  warn(message: string): void {
    this.write(`warning: ${message}`);
  }
  error(message: string): void {
    this.write(`error: ${message}`);
  }

  private write(message: string): void {
    if (this.barShown) this.out.write("\r\x1b[K");
    this.out.write(message + "\n");
    this.barShown = false;
  }
}

export function renderLogLine(p: ProgressSnapshot): string {
  const finished = p.succeeded + p.failed;
  return `progress: ${finished}/${p.total} (${p.succeeded} ok, ${p.failed} failed), ${p.left} left, ${p.ratePerSec.toFixed(1)} items/s, ETA ${p.etaMs === undefined ? "?" : formatDurationMs(p.etaMs)}`;
}

export function renderBar(p: ProgressSnapshot, columns: number): string {
  const finished = p.succeeded + p.failed;
  const fraction = p.total === 0 ? 1 : finished / p.total;
  const tail = ` ${Math.floor(fraction * 100)}% ${finished}/${p.total} ✓${p.succeeded} ✗${p.failed} ${p.ratePerSec.toFixed(1)}/s ETA ${p.etaMs === undefined ? "?" : formatDurationMs(p.etaMs)}`;
  const width = Math.max(10, Math.min(40, columns - tail.length - 3));
  const filled = Math.round(fraction * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]${tail}`;
}
