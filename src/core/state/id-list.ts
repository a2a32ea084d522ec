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

  push(id: string): void {
    if (this.count === this.chunkOf.length) this.grow();
    const i = this.count++;
    if (!isAscii(id)) {
      this.chunkOf[i] = NOT_BYTES;
      this.strings.set(i, id);
      return;
    }
    if (this.chunks.length === 0 || this.used + id.length > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, id.length));
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    this.chunk.write(id, this.used, id.length, "latin1");
    this.chunkOf[i] = this.chunks.length - 1;
    this.startOf[i] = this.used;
    this.lengthOf[i] = id.length;
    this.used += id.length;
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
      if (c === NOT_BYTES) yield this.strings.get(i)!;
      else yield this.chunks[c]!.toString("latin1", this.startOf[i]!, this.startOf[i]! + this.lengthOf[i]!);
    }
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

function isAscii(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0x7f) return false;
  return true;
}
