/**
 * Exponential backoff with jitter: attempt n (1-based, the attempt that just failed) waits
 * base·2^(n-1), capped at maxMs, then scaled by a random factor in [0.5, 1) ("equal
 * jitter") so that many items failing together do not retry in lockstep, while the wait
 * never collapses to zero. A server's Retry-After is a floor: we never come back sooner.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function backoffDelayMs(failedAttempt: number, policy: BackoffPolicy, random: () => number, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 52);
  const ceilingMs = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jittered = ceilingMs * (0.5 + random() * 0.5);
  const delay = retryAfterMs !== undefined ? Math.max(jittered, retryAfterMs) : jittered;
  return Math.round(delay);
}
