/**
 * A 32-bit hash of an id: FNV-1a over UTF-16 code units, then a multiplicative mix so
 * that similar ids (item-0000001, item-0000002, …) spread evenly over the low bits.
 * Shards and the first pass's id index both use it; shard membership depends on it, so
 * it must never change.
 */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
