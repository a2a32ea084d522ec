import { hashId } from "./hash-id.js";

/**
 * Finds the items whose id may repeat an earlier item's, without keeping the ids: each
 * item (numbered in source order from 0) is two 32-bit hashes of its id, in typed arrays. At the end the
 * entries are sorted by (first hash, order) — a native sort of one BigUint64Array — and
 * entries whose two hashes both match an earlier entry's are candidates. Matching hashes
 * almost always mean the same id, but not always, so the caller confirms each candidate
 * against the ids themselves (plan.ts reads those items again; with no duplicates, the
 * usual case, nothing is read again).
 *
 * A hash table of the ids cost about three times as much at a million ids: every insert
 * is a random access into a table larger than the CPU's caches, where appending here is
 * sequential and the sort is cache-friendly.
 */
export class DuplicateFinder {
  /** Per entry one 64-bit key: first hash in the high word, entry number in the low word. */
  private keys = new BigUint64Array(1 << 12);
  private words = new Uint32Array(this.keys.buffer);
  private second = new Int32Array(1 << 12);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the next item's id (items are numbered in the order they are added, from 0). */
  add(id: string): void {
    const entry = this.count;
    if (entry === this.second.length) this.grow();
    this.words[2 * entry + LOW] = entry;
    this.words[2 * entry + HIGH] = hashId(id) >>> 0;
    this.second[entry] = secondHash(id);
    this.count++;
  }

  /**
   * Groups of item numbers whose ids have equal hashes (two or more each, in source
   * order). Ends the finder: it sorts its entries in place.
   */
  candidateGroups(): number[][] {
    const n = this.count;
    const keys = this.keys.subarray(0, n);
    keys.sort();
    const words = this.words;
    const groups: number[][] = [];
    let runStart = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && words[2 * i + HIGH] === words[2 * runStart + HIGH]) continue;
      if (i - runStart > 1) this.splitRun(runStart, i, groups);
      runStart = i;
    }
    return groups;
  }

  /** Within a run of equal first hashes (in file order), groups the entries by the second. */
  private splitRun(start: number, end: number, groups: number[][]): void {
    const bySecond = new Map<number, number[]>();
    for (let i = start; i < end; i++) {
      const entry = this.words[2 * i + LOW]!;
      const group = bySecond.get(this.second[entry]!);
      if (group) group.push(entry);
      else bySecond.set(this.second[entry]!, [entry]);
    }
    for (const group of bySecond.values()) if (group.length > 1) groups.push(group);
  }

  private grow(): void {
    const capacity = this.second.length * 2;
    const keys = new BigUint64Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
    this.words = new Uint32Array(keys.buffer);
    const second = new Int32Array(capacity);
    second.set(this.second);
    this.second = second;
  }
}

/** Which 32-bit word of a 64-bit key is the low one on this machine. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;

/** A second hash independent of hashId (other constants, other mix), to make false candidates rare. */
function secondHash(id: string): number {
  let h = 0x9747b28c ^ id.length;
  for (let i = 0; i < id.length; i++) {
    h = Math.imul(h ^ id.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
