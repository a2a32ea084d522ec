import { hashId } from "./hash-id.js";

/**
 * Which shard (1..count) an item belongs to: a hash of its id alone, so an item stays in
 * its shard however the list grows, shrinks or is reordered. FNV-1a over UTF-16 code
 * units, then a multiplicative mix so that similar ids spread evenly (hashId).
 */
export function shardOf(id: string, count: number): number {
  return ((hashId(id) >>> 0) % count) + 1;
}
