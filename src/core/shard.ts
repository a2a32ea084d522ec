/**
 * Which shard (1..count) an item belongs to: a hash of its id alone, so an item stays in
 * its shard however the list grows, shrinks or is reordered. FNV-1a over UTF-16 code
 * units, then a multiplicative mix so that similar ids spread evenly.
 */
export function shardOf(id: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return ((h >>> 0) % count) + 1;
}
