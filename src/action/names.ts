import { relative, resolve, sep } from "node:path";

/**
 * Where a batch's state lives on GitHub. Cache keys:
 *
 *   resumable-batch/<state-key>/<scope>/<run_id>-<run_attempt>
 *
 * with <scope> `all`, or `shard-<i>-of-<n>` for a shard. Restore asks for the prefix up to
 * the last `/`. The `/` separators (not allowed in a state key) keep prefixes apart: with
 * `-` between the parts, the prefix of state key `foo` would also match the entries of
 * `foo-bar`, and an unsharded run would restore a shard's state.
 *
 * Artifacts (one per run and attempt, as an artifact name can be uploaded once per run and
 * a re-run keeps the run id):
 *
 *   resumable-batch-<state-key>[-shard-<i>-of-<n>]-state-<run_attempt>
 *
 * Restore looks them up by exact name for attempts 1 to ARTIFACT_ATTEMPTS_SEARCHED.
 *
 * A `mode: report` job merges a matrix run's shard artifacts into one more artifact:
 *
 *   resumable-batch-<state-key>-report-<run_attempt>
 */
export interface StateNames {
  stateKey: string;
  cachePrefix: string;
  /** This run's new cache key. */
  cacheKey: string;
  /** This run's artifact name. */
  artifactName: string;
  /** Artifact names earlier runs may have used, attempt 1 first. */
  artifactNamesSearched: string[];
}

/** Re-runs beyond this attempt are not searched for artifacts (the cache still has them). */
export const ARTIFACT_ATTEMPTS_SEARCHED = 5;

/** Subfolder of the state folder the cache saves from and restores into (see restore-state.ts). */
export const CACHE_TRANSFER_DIR = ".cache-transfer";

export function stateNames(stateKey: string, shard: { index: number; count: number } | undefined, runId: string, runAttempt: number): StateNames {
  const scope = shard ? `shard-${shard.index}-of-${shard.count}` : "all";
  const cachePrefix = `resumable-batch/${stateKey}/${scope}/`;
  const artifactBase = `resumable-batch-${stateKey}${shard ? `-${scope}` : ""}-state-`;
  return {
    stateKey,
    cachePrefix,
    cacheKey: `${cachePrefix}${runId}-${runAttempt}`,
    artifactName: `${artifactBase}${runAttempt}`,
    artifactNamesSearched: Array.from({ length: ARTIFACT_ATTEMPTS_SEARCHED }, (_, i) => `${artifactBase}${i + 1}`),
  };
}

/** True when `key` is one of ours under `prefix` (guards against a foreign prefix match). */
export function isOwnCacheKey(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && /^\d+-\d+$/.test(key.slice(prefix.length));
}

/**
 * The path string given to the cache for save and restore. The cache's version hashes the
 * paths exactly as passed, and its archive stores them relative to the workspace, so the
 * string is workspace-relative (the same on every runner) with forward slashes.
 */
export function cachePathFor(workspace: string, stateDir: string): string {
  return relative(resolve(workspace), resolve(stateDir, CACHE_TRANSFER_DIR)).split(sep).join("/");
}

/** The merged report's artifact name (`mode: report`). */
export function reportArtifactName(stateKey: string, runAttempt: number): string {
  return `resumable-batch-${stateKey}-report-${runAttempt}`;
}

/** A shard's state artifact name, taken apart. */
export interface ShardArtifactName {
  index: number;
  count: number;
  runAttempt: number;
}

/**
 * The shard, shard count and attempt of `name` when it is a shard state artifact of
 * `stateKey` (see stateNames), else undefined. A state key cannot hold `/`, but may hold
 * `-shard-`-like text: the pattern is anchored on the whole name.
 */
export function parseShardArtifactName(stateKey: string, name: string): ShardArtifactName | undefined {
  const prefix = `resumable-batch-${stateKey}-shard-`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(\d+)-of-(\d+)-state-(\d+)$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  const [index, count, runAttempt] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (index < 1 || index > count || runAttempt < 1) return undefined;
  return { index, count, runAttempt };
}
