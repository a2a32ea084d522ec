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
  /** Per slot: 1 + entry number, 0 for empty, TOMBSTONE for a deleted one. */
  private slots = new Int32Array(16);
  private hashes = new Uint32Array(16);
  private count = 0;
  private readonly illFormed = new Set<string>();
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
    let capacity = this.slots.length;
    while (total > capacity * MAX_LOAD) capacity *= 2;
    if (capacity !== this.slots.length) this.rehash(capacity);
    this.growEntries(total, true);
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
    return slot < 0 ? -1 : this.slots[slot]! - 1;
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
    const hash = bytesHash(bytes, start, end);
    if (this.findBytes(bytes, start, end, hash) >= 0) return;
    const length = end - start;
    const at = this.room(length);
    bytes.copy(this.chunk, at, start, end);
    this.insert(hash, at, length);
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
    this.entryChunk[this.slots[slot]! - 1] = DELETED;
    if (this.values !== undefined) this.setValueAt(this.slots[slot]! - 1, 0);
    this.slots[slot] = TOMBSTONE;
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
    this.slots = new Int32Array(16);
    this.hashes = new Uint32Array(16);
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
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (entry < 0 || this.hashes[slot] !== hash) continue;
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
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (entry < 0 || this.hashes[slot] !== hash) continue;
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
    if (this.entries > this.slots.length * MAX_LOAD) this.rehash(this.slots.length * 2);
    this.place(this.slots, this.hashes, hash, e);
    this.count++;
  }

  private place(slots: Int32Array, hashes: Uint32Array, hash: number, e: number): void {
    const mask = slots.length - 1;
    let slot = hash & mask;
    while (slots[slot]! > 0) slot = (slot + 1) & mask; // a tombstone may be reused
    slots[slot] = e + 1;
    hashes[slot] = hash;
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
    const slots = new Int32Array(capacity);
    const hashes = new Uint32Array(capacity);
    for (let s = 0; s < this.slots.length; s++) {
      const entry = this.slots[s]!;
      if (entry > 0) this.place(slots, hashes, this.hashes[s]!, entry - 1);
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

const EMPTY = Buffer.alloc(0);
const CHUNK_BYTES = 8 * 1024 * 1024;
const TOMBSTONE = -1;
/** indexOf's answer for an ill-formed id that is in the set (it has no entry). */
export const ILL_FORMED_ENTRY = -2;
const DELETED = 0xffffffff;
/** At most this share of slots in use (ids and tombstones): probes stay short. */
const MAX_LOAD = 0.6;
/** asciiHash's answer for a string with a character above U+007F (hashes are 32-bit unsigned). */
const NOT_ASCII = -1;

/**
 * MurmurHash3 (x86, 32-bit, seed 0) over the id's UTF-8 bytes, four bytes a step: half a
 * second less than a byte-at-a-time hash over 2M ids of 300 bytes. For ASCII text the
 * bytes are the character codes, so a query string is hashed without encoding it;
 * asciiHash answers NOT_ASCII for any other text, which is then encoded and hashed as bytes.
 */
function asciiHash(id: string): number {
  const n = id.length;
  const whole = n & ~3;
  let h = 0;
  for (let i = 0; i < whole; i += 4) {
    const c0 = id.charCodeAt(i);
    const c1 = id.charCodeAt(i + 1);
    const c2 = id.charCodeAt(i + 2);
    const c3 = id.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 0x7f) return NOT_ASCII;
    h = mixWord(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  let tail = 0;
  for (let i = n - 1; i >= whole; i--) {
    const c = id.charCodeAt(i);
    if (c > 0x7f) return NOT_ASCII;
    tail = (tail << 8) | c;
  }
  return finish(h, tail, n);
}

function bytesHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const n = end - start;
  const whole = start + (n & ~3);
  let h = 0;
  for (let i = start; i < whole; i += 4) h = mixWord(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  let tail = 0;
  for (let i = end - 1; i >= whole; i--) tail = (tail << 8) | bytes[i]!;
  return finish(h, tail, n);
}

function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixWord(h: number, word: number): number {
  h ^= scramble(word);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, tail: number, length: number): number {
  if ((length & 3) !== 0) h ^= scramble(tail);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** String.prototype.isWellFormed (Node 20+): no lone surrogate. */
function isWellFormed(id: string): boolean {
  return (id as unknown as { isWellFormed(): boolean }).isWellFormed();
}
