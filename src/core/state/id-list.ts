import { putPlainJsonBytes } from "./line-bytes.js";

/**
 * The ids finished by the run in progress, in order: an append-only list that keeps ASCII
 * ids as bytes in large buffers (others as strings, few). A million id strings held in an
 * array for the whole run each survive two young-generation collections; with that many
 * survivors V8 grows the young generation to its maximum, and a run's peak memory grew by
 * about the size of the list again.
 */
export class IdList implements Iterable<string> {
  private chunks: Buffer[] = [];
  private chunk = Buffer.alloc(0);
  private used = 0;
  /** Per id: its chunk, start and length; chunk NOT_BYTES marks an id kept in `strings`. */
  private chunkOf = new Uint32Array(1024);
  private startOf = new Uint32Array(1024);
  private lengthOf = new Uint32Array(1024);
  private readonly strings = new Map<number, string>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  /**
   * Copies the id's characters into the chunk in a JavaScript loop that also checks they
   * are ASCII: a Buffer.write per id (a call into C++ for a dozen bytes) cost about a
   * tenth of a 1M no-op run, and joining ids to write a few KiB at a time still cost
   * flattening the joined string.
   */
  push(id: string): void {
    if (this.count === this.chunkOf.length) this.grow();
    const i = this.count++;
    if (this.chunks.length === 0 || this.used + id.length > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, id.length));
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    const chunk = this.chunk;
    const start = this.used;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      if (c > 0x7f) {
        // Not ASCII: kept as a string (the bytes copied so far are not counted as used).
        this.chunkOf[i] = NOT_BYTES;
        this.strings.set(i, id);
        return;
      }
      chunk[start + k] = c;
    }
    this.chunkOf[i] = this.chunks.length - 1;
    this.startOf[i] = start;
    this.lengthOf[i] = id.length;
    this.used = start + id.length;
  }

  clear(): void {
    this.chunks = [];
    this.chunk = Buffer.alloc(0);
    this.used = 0;
    this.strings.clear();
    this.count = 0;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.count; i++) {
      const c = this.chunkOf[i]!;
      if (c === NOT_BYTES) {
        yield this.strings.get(i)!;
        continue;
      }
      const start = this.startOf[i]!;
      yield this.chunks[c]!.toString("latin1", start, start + this.lengthOf[i]!);
    }
  }

  /**
   * The ids as JSON strings joined by commas (`"a","b"`), about maxBytes at a time (the
   * first list firstMaxBytes), each list handed to `emit` (its bytes are reused after emit returns). Copied from the
   * chunks' bytes, with no string per id, when an id needs no escape; else through
   * JSON.stringify. What a snapshot's done lines are made of.
   */
  forEachJsonList(maxBytes: number, firstMaxBytes: number, emit: (list: Uint8Array) => void): void {
    let out = Buffer.allocUnsafe(maxBytes + 64);
    let p = 0;
    let limit = firstMaxBytes;
    const room = (bytes: number) => {
      if (p + bytes <= out.length) return;
      const grown = Buffer.allocUnsafe(2 * (p + bytes));
      out.copy(grown, 0, 0, p);
      out = grown;
    };
    for (let i = 0; i < this.count; i++) {
      const c = this.chunkOf[i]!;
      const start = this.startOf[i]!;
      const end = start + this.lengthOf[i]!;
      const bytes = c === NOT_BYTES ? undefined : this.chunks[c]!;
      room(end - start + 3);
      if (p > 0) out[p++] = 0x2c;
      out[p] = 0x22;
      const plainEnd = bytes === undefined ? -1 : putPlainJsonBytes(out, p + 1, bytes, start, end);
      if (plainEnd !== -1) {
        out[plainEnd] = 0x22;
        p = plainEnd + 1;
      } else {
        const json = Buffer.from(JSON.stringify(bytes === undefined ? this.strings.get(i)! : bytes.toString("latin1", start, end)), "utf8");
        room(json.length);
        p += json.copy(out, p);
      }
      if (p >= limit) {
        emit(out.subarray(0, p));
        p = 0;
        limit = maxBytes;
      }
    }
    if (p > 0) emit(out.subarray(0, p));
  }

  private grow(): void {
    for (const key of ["chunkOf", "startOf", "lengthOf"] as const) {
      const grown = new Uint32Array(this[key].length * 2);
      grown.set(this[key]);
      this[key] = grown;
    }
  }
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const NOT_BYTES = 0xffffffff;
