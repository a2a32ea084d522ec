import { hashId } from "./hash-id.js";

/**
 * The ids of a source and the line each first appeared on, for finding duplicates in the
 * first pass. A Map<string, number> did the same at about four times the cost at a
 * million ids (the largest single cost of checkpointing a large file): its entries are
 * heap objects the collector keeps walking, while this table is typed arrays plus the id
 * strings, which the items hold anyway.
 *
 * Open addressing with linear probing over a power-of-two table kept at most half full;
 * a slot holds 1 + the entry's index (0 = empty), and an entry keeps its hash, so a probe
 * compares strings only when the hashes match.
 */
export class IdIndex {
  private slots = new Int32Array(1 << 13);
  private readonly ids: string[] = [];
  private lines = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);

  get size(): number {
    return this.ids.length;
  }

  /** Adds the id seen on this line and returns -1, or returns the line it was first seen on. */
  addFirst(id: string, line: number): number {
    const hash = hashId(id);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      if (this.hashes[entry - 1] === hash && this.ids[entry - 1] === id) return this.lines[entry - 1]!;
      slot = (slot + 1) & mask;
    }
    const index = this.ids.length;
    if (index === this.lines.length) {
      this.grow();
      slot = this.emptySlot(hash);
    }
    this.ids.push(id);
    this.lines[index] = line;
    this.hashes[index] = hash;
    this.slots[slot] = index + 1;
    return -1;
  }

  /** Doubles the table and the entry arrays; entries keep their indexes. */
  private grow(): void {
    const entries = this.lines.length * 2;
    const lines = new Int32Array(entries);
    lines.set(this.lines);
    const hashes = new Int32Array(entries);
    hashes.set(this.hashes);
    this.lines = lines;
    this.hashes = hashes;
    this.slots = new Int32Array(entries * 2);
    for (let i = 0; i < this.ids.length; i++) this.slots[this.emptySlot(this.hashes[i]!)] = i + 1;
  }

  private emptySlot(hash: number): number {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    return slot;
  }
}
