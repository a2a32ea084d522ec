import { createHash } from "node:crypto";

/**
 * A stable idempotency key for an item: the same for every attempt and every run of one
 * pass, and independent of shard count or item order. Namespaced (by the state key in the
 * action) so that two batches with overlapping ids do not share keys.
 *
 * The key names the batch, the item, the pass and the item's version (how many times the
 * item changed within the pass, with `reprocess-changed`), so a deliberate re-process is a
 * new operation downstream and a repeat of the same operation is not. Pass 1 of an item
 * that never changed keeps the key releases before passes gave it (namespace, NUL, id):
 * upgrading must not turn finished work into new operations for an API that stores keys.
 */
export function idempotencyKey(id: string, namespace = "", pass = 1, version = 0): string {
  const hash = createHash("sha256").update(namespace).update("\0").update(id);
  if (pass !== 1 || version !== 0) hash.update("\0").update(`pass ${pass} version ${version}`);
  return hash.digest("hex").slice(0, 32);
}
