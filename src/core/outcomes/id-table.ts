/**
 * Each id's last success, for `results`' first pass, in typed arrays rather than a Map of
 * a million strings (which held most of the export's 400 MB): an open-addressing hash table
 * over the ids' UTF-8 bytes, kept once in an arena, compared byte for byte on a hash match
 * so two ids never share an entry.
 */
export class IdTable {
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 11);
  // Unsigned: the arena may grow past 2 GiB (ten million ids of 300 bytes).
  private offsets = new Uint32Array(1 << 11);
  private lengths = new Int32Array(1 << 11);
  private positions = new Float64Array(1 << 11);
  private flags = new Uint8Array(1 << 11);
  private arena = Buffer.allocUnsafe(1 << 16);
  private arenaUsed = 0;
  /** How many ids there are. */
  size = 0;

  /** Records `buf[start, end)`'s success at `position` (its flags too), replacing an earlier one. */
  set(buf: Buffer, start: number, end: number, position: number, flags: number): void {
    const hash = hashBytes(buf, start, end);
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry === -1) {
        this.slots[slot] = this.add(buf, start, end, hash) + 1;
        this.positions[this.size - 1] = position;
        this.flags[this.size - 1] = flags;
        if (this.size * 2 > this.slots.length) this.rehash();
        return;
      }
      if (this.hashes[entry] === hash && this.lengths[entry] === length && this.sameBytes(entry, buf, start, length)) {
        this.positions[entry] = position;
        this.flags[entry] = flags;
        return;
      }
    }
  }

  /** Calls back with every id's position and flags (in no particular order). */
  forEach(visit: (position: number, flags: number) => void): void {
    for (let entry = 0; entry < this.size; entry++) visit(this.positions[entry]!, this.flags[entry]!);
  }

  private sameBytes(entry: number, buf: Buffer, start: number, length: number): boolean {
    const at = this.offsets[entry]!;
    for (let k = 0; k < length; k++) if (this.arena[at + k] !== buf[start + k]) return false;
    return true;
  }

  private add(buf: Buffer, start: number, end: number, hash: number): number {
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    buf.copy(this.arena, this.arenaUsed, start, end);
    if (this.size === this.hashes.length) this.growEntries();
    const entry = this.size++;
    this.hashes[entry] = hash;
    this.offsets[entry] = this.arenaUsed;
    this.lengths[entry] = length;
    this.arenaUsed += length;
    return entry;
  }

  private growEntries(): void {
    const capacity = this.hashes.length * 2;
    const grow = <T extends Int32Array | Uint32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const bigger = make(capacity);
      bigger.set(old);
      return bigger;
    };
    this.hashes = grow(this.hashes, (n) => new Int32Array(n));
    this.offsets = grow(this.offsets, (n) => new Uint32Array(n));
    this.lengths = grow(this.lengths, (n) => new Int32Array(n));
    this.positions = grow(this.positions, (n) => new Float64Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the bytes, then a final mix so that the low bits (the slot) vary. */
function hashBytes(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
