import { relative, resolve, sep } from "node:path";

/**
 * Where a batch's state lives on GitHub. Cache keys:
 *
 *   resumable-batch/<state-key>/<scope>/<run_id>-<run_attempt>
 *
 * or, when another job or step of the same run attempt already took that key (keys are
 * immutable: two jobs of one workflow with the same state key, or a retry step after the
 * run step), `…/<run_id>-<run_attempt>-<seq>` with the saved state's sequence number.
 *
 * with <scope> `all`, or `shard-<i>-of-<n>` for a shard. Restore asks for the prefix up to
 * the last `/`. The `/` separators (not allowed in a state key) keep prefixes apart: with
 * `-` between the parts, the prefix of state key `foo` would also match the entries of
 * `foo-bar`, and an unsharded run would restore a shard's state.
 *
 * Artifacts, one per saved state, named after the state's sequence number:
 *
 *   resumable-batch-<state-key>[-shard-<i>-of-<n>]-state-<seq>
 *
 * The seq in the name is what makes "the newest state wins" cheap: a run that restored
 * state #S from the cache asks the REST API for the one exact name `…-state-<S+1>` (one
 * request) to learn whether a run whose cache save failed left a newer state, instead of
 * reading a repository-wide listing with no documented order. It is unique within a
 * workflow run too (an artifact name can be uploaded once per run, and a re-run keeps the
 * run id, docs/ARCHITECTURE.md): a later attempt continues the earlier one's state with a higher seq.
 *
 * One shard of one (`shard: 1/1`, what the reusable workflow passes for `shards: 1`) is the
 * same batch as no shard (the README's sharding section): parseShard turns it into no shard, so both setups read
 * and write `all` and `…-state-<seq>`.
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
  /** The state artifacts' names without the seq: `resumable-batch-<state-key>[-shard-<i>-of-<n>]-state-`. */
  artifactPrefix: string;
}

/** Subfolder of the state folder the cache saves from and restores into (see restore-state.ts). */
export const CACHE_TRANSFER_DIR = ".cache-transfer";

export function stateNames(stateKey: string, shard: { index: number; count: number } | undefined, runId: string, runAttempt: number): StateNames {
  const sharded = shard !== undefined && shard.count > 1;
  const scope = sharded ? `shard-${shard.index}-of-${shard.count}` : "all";
  const cachePrefix = `resumable-batch/${stateKey}/${scope}/`;
  return {
    stateKey,
    cachePrefix,
    cacheKey: `${cachePrefix}${runId}-${runAttempt}`,
    artifactPrefix: `resumable-batch-${stateKey}${sharded ? `-${scope}` : ""}-state-`,
  };
}

/** The artifact name of state #`seq`. */
export function stateArtifactName(artifactPrefix: string, seq: number): string {
  return `${artifactPrefix}${seq}`;
}

/** The seq of a state artifact named `name` under `artifactPrefix`, else undefined. */
export function seqOfArtifactName(artifactPrefix: string, name: string): number | undefined {
  if (!name.startsWith(artifactPrefix)) return undefined;
  const rest = name.slice(artifactPrefix.length);
  return /^[1-9]\d{0,14}$/.test(rest) ? Number(rest) : undefined;
}

/** The cache key of state #`seq` when this run's own key is taken already (see above). */
export function stateCacheKey(runCacheKey: string, seq: number): string {
  return `${runCacheKey}-${seq}`;
}

/** True when `key` is one of ours under `prefix` (guards against a foreign prefix match). */
export function isOwnCacheKey(key: string, prefix: string): boolean {
  return key.startsWith(prefix) && /^\d+-\d+(-\d+)?$/.test(key.slice(prefix.length));
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
  /** The sequence number of the state it holds. */
  seq: number;
}

/**
 * The shard, shard count and state seq of `name` when it is a state artifact of `stateKey`
 * (see stateNames), else undefined. An unsharded state artifact is shard 1 of 1: the
 * reusable workflow with one shard writes those, and its report job must find them. A state
 * key cannot hold `/`, but may hold `-shard-`-like text: the pattern is anchored on the
 * whole name.
 */
export function parseShardArtifactName(stateKey: string, name: string): ShardArtifactName | undefined {
  const unsharded = seqOfArtifactName(`resumable-batch-${stateKey}-state-`, name);
  if (unsharded !== undefined) return { index: 1, count: 1, seq: unsharded };
  const prefix = `resumable-batch-${stateKey}-shard-`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(\d+)-of-(\d+)-state-([1-9]\d{0,14})$/.exec(name.slice(prefix.length));
  if (!m) return undefined;
  const [index, count, seq] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (index < 1 || index > count || count < 2) return undefined;
  return { index, count, seq };
}
