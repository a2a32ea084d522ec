import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { System } from "../platform/system.js";

/**
 * Appends journal lines in batches: a line is buffered in memory and written within
 * flushIntervalMs (or at once when the buffer grows large, or on flush()). write(2) puts
 * the bytes in the kernel's page cache, which survives the process being SIGKILLed, so
 * at most one flush interval of completions can be lost to a kill — those items run
 * again on resume, which is why every item carries an idempotency key.
 *
 * A write that fails (ENOSPC, EIO, a vanished folder) never throws out of the flush timer
 * (that would end the process with a stack trace and the lock left): the file is cut back
 * to its last whole line, the writer stops writing, and onError is told once.
 */
export class JournalWriter {
  private fd: number | undefined;
  /** Where the next write starts: the end of the last whole write. */
  private endOffset = 0;
  /**
   * The lines not written yet, as UTF-8 bytes: each line is encoded into this buffer as it
   * comes (a string of joined lines, converted at each flush, was the largest single cost
   * of a million no-op items after the items' own reading; and it lived through young-gen
   * collections, each copying it). Allocated at the first append.
   */
  private buffer: Buffer | undefined;
  private used = 0;
  /** Lines appended since the last encoding, fewer than JOIN_CHARS characters of them. */
  private joined = "";
  private cancelTimer: (() => void) | undefined;
  /** Bytes written to this journal file by this writer. */
  bytesWritten = 0;
  /** The first write error; once set, nothing more is written. */
  failure: unknown;

  constructor(
    private readonly path: string,
    private readonly system: System,
    private readonly flushIntervalMs: number,
    /** Written once this many bytes are buffered: a 64 KiB write costs little more per byte than a larger one. */
    private readonly maxBufferedBytes = 1 << 16,
    private readonly onError?: (error: unknown) => void,
    /** The file operations (a test injects a failing write). */
    private readonly fs: JournalFs = { writeSync },
  ) {}

  append(line: string): void {
    if (this.failure !== undefined) return;
    // Lines are joined into a short string first, encoded a few KiB at a time: one
    // Buffer.write per line cost as much as the string it saved.
    this.joined += line;
    if (this.used + this.joined.length >= this.maxBufferedBytes) return this.flush();
    if (this.joined.length >= JOIN_CHARS) this.encodeJoined();
    this.armTimer();
  }

  /** Buffered lines are written within flushIntervalMs. */
  private armTimer(): void {
    if (this.cancelTimer === undefined) {
      this.cancelTimer = this.system.setTimer(() => {
        this.cancelTimer = undefined;
        this.flush();
      }, this.flushIntervalMs);
    }
  }

  /**
   * Where up to maxBytes of one line may be written into `bytes` now, after every line
   * appended before it; -1 when they cannot be (the writer failed, or the line is larger
   * than the buffer): the caller then appends the line as a string. Finish with wrote().
   */
  room(maxBytes: number): number {
    if (this.failure !== undefined) return -1;
    if (this.joined.length > 0) this.encodeJoined();
    if (this.used + maxBytes > this.capacity()) {
      const bytes = this.buffer!.subarray(0, this.used);
      this.used = 0;
      this.writeNow(bytes);
      if (this.failure !== undefined || maxBytes > this.capacity()) return -1;
    }
    return this.used;
  }

  /** The buffer room() points into. */
  get bytes(): Buffer {
    return this.buffer!;
  }

  /** The line written at room()'s offset ends at `end` (just past its newline). */
  wrote(end: number): void {
    this.used = end;
    if (this.used >= this.maxBufferedBytes) return this.flush();
    this.armTimer();
  }

  /** Writes everything buffered now (synchronously, so a signal handler can rely on it). */
  flush(): void {
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = undefined;
    }
    if (this.failure !== undefined) return;
    this.encodeJoined();
    if (this.used === 0 || this.failure !== undefined) return;
    const bytes = this.buffer!.subarray(0, this.used);
    this.used = 0;
    this.writeNow(bytes);
  }

  /** Moves the joined lines into the byte buffer (writing the buffer out first when they may not fit). */
  private encodeJoined(): void {
    const text = this.joined;
    if (text.length === 0) return;
    this.joined = "";
    // A UTF-16 unit takes at most 3 bytes of UTF-8: room for that is room for the text.
    if (this.used + 3 * text.length > this.capacity()) {
      const bytes = this.buffer!.subarray(0, this.used);
      this.used = 0;
      this.writeNow(bytes);
      if (this.failure !== undefined) return;
      if (3 * text.length > this.capacity()) return this.writeNow(Buffer.from(text, "utf8"));
    }
    this.used += this.buffer!.write(text, this.used, "utf8");
  }

  /** The buffer's size, allocating it at the first use: twice the flush size, so a full one is rare. */
  private capacity(): number {
    this.buffer ??= Buffer.allocUnsafeSlow(2 * this.maxBufferedBytes);
    return this.buffer.length;
  }

  private writeNow(bytes: Buffer): void {
    try {
      this.write(bytes);
    } catch (error) {
      this.fail(error);
    }
  }

  private write(bytes: Buffer): void {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, "a+");
      this.endOffset = fstatSync(this.fd).size;
      // A journal that ends mid-line (a write torn by a kill) gets a newline first: the
      // first record of this run must start a line of its own, not finish the fragment.
      if (!endsWithNewline(this.fd, this.endOffset)) this.writeAll(NEWLINE);
    }
    this.writeAll(bytes);
  }

  private writeAll(bytes: Buffer): void {
    let offset = 0;
    while (offset < bytes.length) offset += this.fs.writeSync(this.fd!, bytes, offset);
    this.bytesWritten += bytes.length;
    this.endOffset += bytes.length;
  }

  private fail(error: unknown): void {
    this.failure = error;
    // A partial write would leave a torn line the next run appends onto: cut it off.
    if (this.fd !== undefined) {
      try {
        ftruncateSync(this.fd, this.endOffset);
      } catch {
        // the load ignores a torn last line anyway
      }
    }
    this.onError?.(error);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch (error) {
        if (this.failure === undefined) this.fail(error);
      }
    }
    this.fd = undefined;
  }
}

const NEWLINE = Buffer.from("\n");
/** Lines are encoded this many characters at a time (short-lived strings, few calls). */
const JOIN_CHARS = 4096;

/** True for an empty file or one whose last byte is a newline. */
function endsWithNewline(fd: number, size: number): boolean {
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

export interface JournalFs {
  writeSync(fd: number, buffer: Buffer, offset: number): number;
}
