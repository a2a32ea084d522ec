import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { System } from "../platform/system.js";

/**
 * Appends journal lines in batches: a line is buffered in memory and written within
 * flushIntervalMs (or at once when the buffer grows large, or on flush()). write(2) puts
 * the bytes in the kernel's page cache, which survives the process being SIGKILLed, so
 * at most one flush interval of completions can be lost to a kill — those items run
 * again on resume, which is why every item carries an idempotency key.
 */
export class JournalWriter {
  private fd: number | undefined;
  private pending = "";
  private cancelTimer: (() => void) | undefined;
  /** Bytes written to this journal file by this writer. */
  bytesWritten = 0;

  constructor(
    private readonly path: string,
    private readonly system: System,
    private readonly flushIntervalMs: number,
    /**
     * 64K, not more: the buffer is a rope of small strings that lives through young-gen
     * collections until it is written, and every scavenge copies it; a 1M-char buffer made
     * the collector's share of a million-item run several times larger, a 64K write costs
     * little more per byte.
     */
    private readonly maxBufferedChars = 1 << 16,
  ) {}

  append(line: string): void {
    this.pending += line;
    if (this.pending.length >= this.maxBufferedChars) this.flush();
    else if (this.cancelTimer === undefined) {
      this.cancelTimer = this.system.setTimer(() => {
        this.cancelTimer = undefined;
        this.flush();
      }, this.flushIntervalMs);
    }
  }

  /** Writes everything buffered now (synchronously, so a signal handler can rely on it). */
  flush(): void {
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = undefined;
    }
    if (this.pending.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "a+");
      // A journal that ends mid-line (a write torn by a kill) gets a newline first: the
      // first record of this run must start a line of its own, not finish the fragment.
      if (!endsWithNewline(this.fd)) this.pending = "\n" + this.pending;
    }
    const text = this.pending;
    this.pending = "";
    const buffer = Buffer.from(text, "utf8");
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    this.bytesWritten += buffer.length;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** True for an empty file or one whose last byte is a newline. */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
