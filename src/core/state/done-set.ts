import { isWellFormed } from "../platform/well-formed.js";
import { asciiHash, bytesHash, NOT_ASCII } from "./id-hash.js";

/**
 * The set of finished ids: a Set<string> in behaviour (add, has, delete, clear, size,
 * iteration in insertion order), built for millions of ids. The ids are kept as UTF-8
 * bytes in large buffers, found through an open-addressing table of typed arrays: none of
 * it is a JavaScript object, so the garbage collector neither copies nor marks it.
 *
 * Why: a Set of 4.7M ids took 5 s of CPU to fill and most of a resume's memory, and every
 * id it holds is a string that survived two young-generation collections — with a million
 * of them V8 grows the young generation to its maximum and every later phase of the run
 * (the pass over the items) promoted its garbage: +100 MB of heap at 1M done ids.
 *
 * Ids that are not well-formed UTF-16 (a lone surrogate) have no exact UTF-8 form; the few
 * that older states may hold are kept in a plain Set beside the table (iterated last).
 */
export class DoneSet implements Iterable<string> {
  private chunks: Buffer[] = [];
  private chunk = EMPTY;
  private used = 0;
  /** Per entry (insertion order): its chunk (DELETED once deleted), start and length in bytes. */
  private entryChunk = new Uint32Array(16);
  private entryStart = new Uint32Array(16);
  private entryLength = new Uint32Array(16);
  private entries = 0;
  /**
   * Two numbers per slot: 1 + entry number (0 for empty, TOMBSTONE for a deleted one), then
   * the entry's hash. Side by side, so a probe costs one cache miss, not two: at 2M ids the
   * table is far larger than the cache and the misses were a quarter of a load's time.
   */
  private table = new Int32Array(2 * 16);
  private count = 0;
  private readonly illFormed = new Set<string>();
  /** Kept so the reads of addUtf8Block's first loop are not optimised away. */
  private touched = 0;
  /**
   * A number per entry (0: none), once any was set: the fingerprints of reprocess-changed.
   * Beside the ids rather than in a Map of their own, so one lookup finds whether an item is
   * done and what it was, and a million of them cost no garbage (a Map of a million ids to
   * 48-bit numbers boxed every value and doubled a resume's cost).
   */
  private values: Float64Array<ArrayBuffer> | undefined;

  constructor(ids?: Iterable<string>) {
    if (ids) for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.count + this.illFormed.size;
  }

  /** Makes room for this many ids in all, so filling the set never rehashes. */
  reserve(total: number): void {
    let capacity = this.capacity;
    while (total > capacity * MAX_LOAD) capacity *= 2;
    if (capacity !== this.capacity) this.rehash(capacity);
    this.growEntries(total, true);
  }

  /** Slots in the table. */
  private get capacity(): number {
    return this.table.length >>> 1;
  }

  /** Entries so far, deleted ones included: the entry number the next id added gets. */
  get entryCount(): number {
    return this.entries;
  }

  /**
   * The id's entry number (what valueAt and setValueAt take); -1 when it is not in the set,
   * ILL_FORMED_ENTRY when it is but has no entry (an ill-formed id: it keeps no value).
   */
  indexOf(id: string): number {
    const hash = asciiHash(id);
    let slot: number;
    if (hash !== NOT_ASCII) slot = this.findAscii(id, hash);
    else if (!isWellFormed(id)) return this.illFormed.has(id) ? ILL_FORMED_ENTRY : -1;
    else {
      const bytes = Buffer.from(id, "utf8");
      slot = this.findBytes(bytes, 0, bytes.length, bytesHash(bytes));
    }
    return slot < 0 ? -1 : this.table[2 * slot]! - 1;
  }

  /** Whether any entry was given a value. */
  get hasValues(): boolean {
    return this.values !== undefined;
  }

  /** The value of entry `e` (from indexOf or entryCount); 0 when it has none. */
  valueAt(e: number): number {
    return this.values === undefined || e < 0 || e >= this.values.length ? 0 : this.values[e]!;
  }

  setValueAt(e: number, value: number): void {
    if (e < 0) return;
    if (this.values === undefined || e >= this.values.length) {
      const grown = new Float64Array(Math.max(16, this.entryChunk.length, 2 * (e + 1)));
      if (this.values !== undefined) grown.set(this.values);
      this.values = grown;
    }
    this.values[e] = value;
  }

  /** Each id with its value (0: none), in insertion order. */
  *withValues(): Iterable<[string, number]> {
    for (let e = 0; e < this.entries; e++) {
      const c = this.entryChunk[e]!;
      if (c === DELETED) continue;
      const start = this.entryStart[e]!;
      yield [this.chunks[c]!.toString("utf8", start, start + this.entryLength[e]!), this.valueAt(e)];
    }
    for (const id of this.illFormed) yield [id, 0];
  }

  has(id: string): boolean {
    const hash = asciiHash(id);
    if (hash !== NOT_ASCII) return this.findAscii(id, hash) >= 0;
    if (!isWellFormed(id)) return this.illFormed.has(id);
    const bytes = Buffer.from(id, "utf8");
    return this.findBytes(bytes, 0, bytes.length, bytesHash(bytes)) >= 0;
  }

  add(id: string): this {
    const hash = asciiHash(id);
    if (hash !== NOT_ASCII) {
      if (this.findAscii(id, hash) >= 0) return this;
      const at = this.room(id.length);
      this.chunk.write(id, at, id.length, "latin1");
      this.insert(hash, at, id.length);
      return this;
    }
    if (!isWellFormed(id)) {
      this.illFormed.add(id);
      return this;
    }
    const bytes = Buffer.from(id, "utf8");
    this.addUtf8(bytes, 0, bytes.length);
    return this;
  }

  /**
   * Adds the id whose well-formed UTF-8 bytes are bytes[start, end) — as a snapshot holds
   * them — without making a string of it (snapshot-v2.ts reads done lines this way).
   */
  addUtf8(bytes: Buffer, start: number, end: number): void {
    this.entryOfUtf8(bytes, start, end);
  }

  /** The entry number of the id whose UTF-8 bytes are bytes[start, end), added when new. */
  entryOfUtf8(bytes: Buffer, start: number, end: number): number {
    const hash = bytesHash(bytes, start, end);
    const slot = this.findBytes(bytes, start, end, hash);
    if (slot >= 0) return this.table[2 * slot]! - 1;
    const length = end - start;
    const at = this.room(length);
    bytes.copy(this.chunk, at, start, end);
    this.insert(hash, at, length);
    return this.entries - 1;
  }

  /**
   * Adds the ids at bytes[bounds[2i], bounds[2i + 1]) for i < count, all of them well-formed
   * UTF-8 inside bytes[blockStart, blockEnd), copying the block once instead of each id: a
   * snapshot's done line is such a block (the separators between ids are kept as waste,
   * 3 bytes an id). Copying 2M ids of 300 bytes one by one took half the load's time.
   */
  addUtf8Block(bytes: Buffer, blockStart: number, blockEnd: number, bounds: Uint32Array, count: number): void {
    const at = this.room(blockEnd - blockStart);
    bytes.copy(this.chunk, at, blockStart, blockEnd);
    const shift = at - blockStart;
    if (blockHashes.length < count) blockHashes = new Uint32Array(2 * count);
    // First every id's hash, then a read of each one's slot in a tight loop: loads that do
    // not wait on each other, so the processor has many slots on their way at once; the
    // inserts below find them cached (one by one, each insert waited for its own miss).
    for (let i = 0; i < count; i++) blockHashes[i] = bytesHash(bytes, bounds[2 * i]!, bounds[2 * i + 1]!);
    const table = this.table;
    const mask = (table.length >>> 1) - 1;
    let touched = 0;
    for (let i = 0; i < count; i++) touched |= table[2 * (blockHashes[i]! & mask)]!;
    this.touched = touched;
    for (let i = 0; i < count; i++) {
      const start = bounds[2 * i]!;
      const end = bounds[2 * i + 1]!;
      const hash = blockHashes[i]!;
      if (this.findBytes(bytes, start, end, hash) < 0) this.insert(hash, start + shift, end - start);
    }
  }

  delete(id: string): boolean {
    const hash = asciiHash(id);
    let slot: number;
    if (hash !== NOT_ASCII) slot = this.findAscii(id, hash);
    else if (!isWellFormed(id)) return this.illFormed.delete(id);
    else {
      const bytes = Buffer.from(id, "utf8");
      slot = this.findBytes(bytes, 0, bytes.length, bytesHash(bytes));
    }
    if (slot < 0) return false;
    const e = this.table[2 * slot]! - 1;
    this.entryChunk[e] = DELETED;
    if (this.values !== undefined) this.setValueAt(e, 0);
    this.table[2 * slot] = TOMBSTONE;
    this.count--;
    return true;
  }

  clear(): void {
    this.chunks = [];
    this.chunk = EMPTY;
    this.used = 0;
    this.entryChunk = new Uint32Array(16);
    this.entryStart = new Uint32Array(16);
    this.entryLength = new Uint32Array(16);
    this.entries = 0;
    this.table = new Int32Array(2 * 16);
    this.count = 0;
    this.illFormed.clear();
    this.values = undefined;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let e = 0; e < this.entries; e++) {
      const c = this.entryChunk[e]!;
      if (c === DELETED) continue;
      const start = this.entryStart[e]!;
      yield this.chunks[c]!.toString("utf8", start, start + this.entryLength[e]!);
    }
    yield* this.illFormed;
  }

  /** The slot of an ASCII id, or -1. */
  private findAscii(id: string, hash: number): number {
    const table = this.table;
    const mask = (table.length >>> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[2 * slot]!;
      if (entry === 0) return -1;
      if (entry < 0 || table[2 * slot + 1] !== (hash | 0)) continue;
      const e = entry - 1;
      if (this.entryLength[e] !== id.length) continue;
      const chunk = this.chunks[this.entryChunk[e]!]!;
      const start = this.entryStart[e]!;
      let i = 0;
      while (i < id.length && chunk[start + i] === id.charCodeAt(i)) i++;
      if (i === id.length) return slot;
    }
  }

  /** The slot of an id given as its UTF-8 bytes, bytes[from, to), or -1. */
  private findBytes(bytes: Uint8Array, from: number, to: number, hash: number): number {
    const table = this.table;
    const mask = (table.length >>> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[2 * slot]!;
      if (entry === 0) return -1;
      if (entry < 0 || table[2 * slot + 1] !== (hash | 0)) continue;
      const e = entry - 1;
      if (this.entryLength[e] !== to - from) continue;
      const start = this.entryStart[e]!;
      if (this.chunks[this.entryChunk[e]!]!.compare(bytes, from, to, start, start + to - from) === 0) return slot;
    }
  }

  /** Where `length` more bytes go in the current chunk (a new one when they do not fit). */
  private room(length: number): number {
    if (this.chunks.length === 0 || this.used + length > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length));
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    const at = this.used;
    this.used += length;
    return at;
  }

  /** Records a new entry whose bytes were just written at `start` of the current chunk. */
  private insert(hash: number, start: number, length: number): void {
    this.growEntries(this.entries + 1);
    const e = this.entries++;
    this.entryChunk[e] = this.chunks.length - 1;
    this.entryStart[e] = start;
    this.entryLength[e] = length;
    if (this.entries > this.capacity * MAX_LOAD) this.rehash(this.capacity * 2);
    place(this.table, hash, e);
    this.count++;
  }

  /** Room for `total` entries: exactly that many when reserving (a snapshot says how many), else doubling. */
  private growEntries(total: number, exact = false): void {
    if (total <= this.entryChunk.length) return;
    let capacity = this.entryChunk.length;
    if (exact) capacity = total;
    else while (capacity < total) capacity *= 2;
    for (const key of ["entryChunk", "entryStart", "entryLength"] as const) {
      const grown = new Uint32Array(capacity);
      grown.set(this[key]);
      this[key] = grown;
    }
  }

  /** A table of `capacity` slots holding every live entry (tombstones dropped). */
  private rehash(capacity: number): void {
    const table = new Int32Array(2 * capacity);
    for (let s = 0; s < this.table.length; s += 2) {
      const entry = this.table[s]!;
      if (entry > 0) place(table, this.table[s + 1]!, entry - 1);
    }
    this.table = table;
  }
}

/** Puts entry `e` with this hash in the first free slot of its probe sequence. */
function place(table: Int32Array, hash: number, e: number): void {
  const mask = (table.length >>> 1) - 1;
  let slot = hash & mask;
  while (table[2 * slot]! > 0) slot = (slot + 1) & mask; // a tombstone may be reused
  table[2 * slot] = e + 1;
  table[2 * slot + 1] = hash;
}

/** addUtf8Block's hashes of one block's ids; reused. */
let blockHashes = new Uint32Array(4096);
const EMPTY = Buffer.alloc(0);
const CHUNK_BYTES = 8 * 1024 * 1024;
const TOMBSTONE = -1;
/** indexOf's answer for an ill-formed id that is in the set (it has no entry). */
export const ILL_FORMED_ENTRY = -2;
const DELETED = 0xffffffff;
/** At most this share of slots in use (ids and tombstones): probes stay short. */
const MAX_LOAD = 0.6;
