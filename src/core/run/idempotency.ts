import { createHash } from "node:crypto";

/**
 * A stable idempotency key for an item: the same for every attempt and every run, and
 * independent of shard count or item order. Namespaced (by the state key in the action)
 * so that two batches with overlapping ids do not share keys.
 */
export function idempotencyKey(id: string, namespace = ""): string {
  return createHash("sha256").update(namespace).update("\0").update(id).digest("hex").slice(0, 32);
}
