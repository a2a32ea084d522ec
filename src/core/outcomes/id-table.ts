import { DoneSet } from "../state/done-set.js";

/**
 * Each id's last success, for `results`' first pass: the ids in a DoneSet (bytes in large
 * buffers behind a typed-array hash table, not a Map of a million strings, which held most
 * of the export's 400 MB), and per entry the position and flags in typed arrays. The ids
 * are keyed by their bytes as the job log spells them (JSON-escaped), which is how both
 * the byte reader and the string reader hand them over.
 */
export class IdTable {
  private readonly ids = new DoneSet();
  private positions = new Float64Array(1 << 11);
  private flags = new Uint8Array(1 << 11);

  /** How many ids there are. */
  get size(): number {
    return this.ids.size;
  }

  /** Records `buf[start, end)`'s success at `position` (its flags too), replacing an earlier one. */
  set(buf: Buffer, start: number, end: number, position: number, flags: number): void {
    const entry = this.ids.entryOfUtf8(buf, start, end);
    if (entry >= this.positions.length) this.grow();
    this.positions[entry] = position;
    this.flags[entry] = flags;
  }

  /** Calls back with every id's position and flags (in no particular order). */
  forEach(visit: (position: number, flags: number) => void): void {
    for (let entry = 0; entry < this.ids.entryCount; entry++) visit(this.positions[entry]!, this.flags[entry]!);
  }

  private grow(): void {
    const positions = new Float64Array(this.positions.length * 2);
    positions.set(this.positions);
    this.positions = positions;
    const flags = new Uint8Array(this.flags.length * 2);
    flags.set(this.flags);
    this.flags = flags;
  }
}
