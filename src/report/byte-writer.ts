import { once } from "node:events";
import type { Writable } from "node:stream";

const CHUNK_BYTES = 1 << 20;

/**
 * Output built as bytes in 1 MiB buffers: most of a results export is bytes copied from
 * the job log as they are (ids, result fields), and making a string of each first was
 * what an export of a million results spent its time on. A full buffer is handed to the
 * stream as it is and a new one started, so nothing written is overwritten.
 */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private full: Buffer[] = [];

  constructor(private readonly out: Writable) {}

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** Copies `src[start, end)`. */
  bytes(src: Buffer, start: number, end: number): void {
    const length = end - start;
    this.room(length);
    // A short copy in a loop: a native call per id or cell costs more than the bytes.
    if (length < 48) {
      const { buf } = this;
      let pos = this.pos;
      for (let i = start; i < end; i++) buf[pos++] = src[i]!;
    } else src.copy(this.buf, this.pos, start, end);
    this.pos += length;
  }

  byte(value: number): void {
    this.room(1);
    this.buf[this.pos++] = value;
  }

  /** A string as UTF-8. */
  text(value: string): void {
    this.room(value.length * 3);
    this.pos += this.buf.write(value, this.pos);
  }

  /** A string of ASCII only (numbers, dates, member names). */
  ascii(value: string): void {
    this.room(value.length);
    const { buf } = this;
    let pos = this.pos;
    for (let i = 0; i < value.length; i++) buf[pos++] = value.charCodeAt(i);
    this.pos = pos;
  }

  /** Hands what was built to the stream, waiting when it asks to (a pipe to a slow reader, a file). */
  async flush(): Promise<void> {
    if (this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
      this.pos = 0;
    }
    const full = this.full;
    this.full = [];
    for (const chunk of full) if (!this.out.write(chunk)) await once(this.out, "drain");
  }
}
