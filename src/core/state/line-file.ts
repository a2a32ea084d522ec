import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { StateError } from "../platform/errors.js";

/** Bytes read per call: large enough that the per-call cost vanishes, small enough to never matter. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Characters buffered before a write: bounds the writer's memory whatever the file's size. */
const WRITE_BUFFER_CHARS = 1024 * 1024;

/**
 * Calls onLine for each line of a file, in order, reading it a chunk at a time: the file is
 * never one string (V8 caps a string near 512 MiB; a state may be larger). Synchronous, so
 * a signal handler or a status command can rely on it finishing before anything else runs.
 * `terminated` is false only for a last line without its newline (a write torn by a kill).
 * Bytes that are not UTF-8 are a StateError: a state file is only ever written by us.
 * Returns the bytes read.
 */
export function forEachLine(path: string, onLine: (text: string, lineNumber: number, terminated: boolean) => void): number {
  const fd = openSync(path, "r");
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const carry: Buffer[] = [];
  let lineNumber = 0;
  let total = 0;
  const decode = (bytes: Buffer): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      throw new StateError(`${path}: not valid UTF-8 after line ${lineNumber}; the file is corrupt`);
    }
  };
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      const data = chunk.subarray(0, n);
      const lastNl = data.lastIndexOf(0x0a);
      if (lastNl === -1) {
        carry.push(Buffer.from(data));
        continue;
      }
      // Complete lines are decoded in one call and split as a string: a newline byte never
      // occurs inside a UTF-8 sequence, so that is the same text as decoding line by line.
      const complete = carry.length === 0 ? data.subarray(0, lastNl + 1) : Buffer.concat([...carry, data.subarray(0, lastNl + 1)]);
      carry.length = 0;
      const lines = decode(complete).split("\n");
      lines.pop();
      for (const line of lines) onLine(line, ++lineNumber, true);
      if (lastNl + 1 < n) carry.push(Buffer.from(data.subarray(lastNl + 1)));
    }
    if (carry.length > 0) onLine(decode(Buffer.concat(carry)), ++lineNumber, false);
  } finally {
    closeSync(fd);
  }
  return total;
}

/**
 * Like forEachLine, but hands over each line's bytes (bytes[start, end), without its
 * newline) undecoded: a reader that understands some lines' bytes saves making strings of
 * them. The bytes are valid only during the call.
 */
export function forEachLineBytes(
  path: string,
  onLine: (bytes: Buffer, start: number, end: number, lineNumber: number, terminated: boolean) => void,
): number {
  const fd = openSync(path, "r");
  let chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let kept = 0; // bytes of an unfinished line at the start of chunk
  let lineNumber = 0;
  let total = 0;
  try {
    for (;;) {
      if (kept === chunk.length) {
        // A line longer than the buffer: a larger one, the line so far moved over.
        const larger = Buffer.allocUnsafe(chunk.length * 2);
        chunk.copy(larger, 0, 0, kept);
        chunk = larger;
      }
      const n = readSync(fd, chunk, kept, chunk.length - kept, null);
      if (n === 0) break;
      total += n;
      const end = kept + n;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, kept); nl !== -1 && nl < end; nl = chunk.indexOf(0x0a, start)) {
        onLine(chunk, start, nl, ++lineNumber, true);
        start = nl + 1;
      }
      chunk.copy(chunk, 0, start, end);
      kept = end - start;
    }
    if (kept > 0) onLine(chunk, 0, kept, ++lineNumber, false);
  } finally {
    closeSync(fd);
  }
  return total;
}

/**
 * Writes a file a piece at a time into a temp file beside it, then fsync and rename: a
 * reader (or a crash) sees the old file or the whole new one, never a part. The content
 * is never one string, so it may be larger than a JavaScript string can hold.
 */
export class AtomicFileWriter {
  private readonly tmp: string;
  private fd: number | undefined;
  private pending = "";
  bytesWritten = 0;

  constructor(private readonly path: string) {
    this.tmp = `${path}.tmp-${process.pid}`;
    this.fd = openSync(this.tmp, "w");
  }

  write(text: string): void {
    if (text.length >= WRITE_BUFFER_CHARS) {
      // A large piece (an item of many MiB) is written alone, never joined to the buffer.
      this.flush();
      this.writeNow(text);
      return;
    }
    this.pending += text;
    if (this.pending.length >= WRITE_BUFFER_CHARS) this.flush();
  }

  /** Writes bytes (after everything written before them), not joined to the buffer. */
  writeBytes(bytes: Uint8Array): void {
    this.flush();
    const fd = this.requireOpen();
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    this.bytesWritten += bytes.length;
  }

  /** Makes the new file the file: flush, fsync, close, rename. */
  commit(): void {
    this.flush();
    const fd = this.requireOpen();
    fsyncSync(fd);
    closeSync(fd);
    this.fd = undefined;
    renameSync(this.tmp, this.path);
  }

  /** Gives up: the temp file goes, the file at path stays as it was. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending;
    this.pending = "";
    this.writeNow(text);
  }

  private writeNow(text: string): void {
    const fd = this.requireOpen();
    const buffer = Buffer.from(text, "utf8");
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
    this.bytesWritten += buffer.length;
  }

  private requireOpen(): number {
    if (this.fd === undefined) throw new Error(`${this.tmp}: already closed`);
    return this.fd;
  }
}

/** Writes a file through AtomicFileWriter from a producer of pieces; the temp file goes on error. */
export function writeFileInPieces(path: string, produce: (write: (text: string) => void, writeBytes: (bytes: Uint8Array) => void) => void): number {
  const writer = new AtomicFileWriter(path);
  try {
    produce(
      (text) => writer.write(text),
      (bytes) => writer.writeBytes(bytes),
    );
    writer.commit();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return writer.bytesWritten;
}
