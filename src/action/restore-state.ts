import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { errorMessage, loadState } from "../core/index.js";
import { bounded } from "./bounded.js";
import type { ActionHost, ActionTimeouts, RemoteArtifact } from "./host.js";
import { CACHE_TRANSFER_DIR, isOwnCacheKey, type StateNames } from "./names.js";
import { clearStateFiles, copyStateFiles, hasStateFiles, stateFolderProblem } from "./state-folder.js";

/** Newest artifacts tried, one after another, when a download fails or its state is rejected. */
export const MAX_ARTIFACT_TRIES = 3;

/**
 * Where the run's starting state came from. `workspace`: the state folder already held a
 * state at least as new as the others (a self-hosted runner's workspace, or an earlier step
 * of the same job).
 */
export type StateSource = "cache" | "artifact" | "fresh" | "workspace";

export interface RestoreOutcome {
  source: StateSource;
  /** For people: the cache key, or the artifact and its run. */
  detail: string;
  /** Sequence number of the restored state (0 for a fresh start). */
  seq: number;
  /** On a fresh start: why nothing was restored (each place's answer). */
  freshReason?: string;
}

export interface RestoreRequest {
  host: ActionHost;
  timeouts: ActionTimeouts;
  stateDir: string;
  /** The cache path string (names.ts cachePathFor): `<state-dir>/.cache-transfer`. */
  cachePath: string;
  names: StateNames;
  /** For artifacts of earlier runs; blank skips that fallback. */
  token: string;
  owner: string;
  repo: string;
  /** Only artifacts from runs of this branch are trusted (undefined: branch unknown, none are). */
  branch: string | undefined;
  /** Scratch space outside the workspace (RUNNER_TEMP). */
  tempDir: string;
  /** True once a stop arrived: nothing is written into the state folder after that. */
  stopped: () => boolean;
}

interface Candidate {
  source: Exclude<StateSource, "fresh">;
  dir: string;
  seq: number;
  detail: string;
}

/** A source's answer: a valid state, or why there is none (`abandoned`: a call timed out). */
type Lookup = { candidate: Candidate } | { missing: string; abandoned?: boolean };

/**
 * Restores the newest state into the state folder. The cache and the artifacts can
 * disagree (PLATFORM.md: a run whose cache save failed left its state only in its
 * artifact), so both are fetched side by side, each into a folder of its own — the cache
 * into `<state-dir>/.cache-transfer` (the path its entries are saved from), an artifact into
 * a temp folder — checked (only state files, no links, loadState must accept it) and the
 * one with the higher sequence number wins; a state already in the folder takes part too.
 * A rejected or unreachable source is a warning, never a crash and never trusted. Each
 * service call has its own timeout: a call that ran out is abandoned, and since it can
 * only ever write into its own folder, a late finish cannot touch the state the run uses.
 */
export async function restoreState(r: RestoreRequest): Promise<RestoreOutcome> {
  const { core } = r.host;
  const transferDir = join(r.stateDir, CACHE_TRANSFER_DIR);
  rmSync(transferDir, { recursive: true, force: true });

  const existing = lookAtExisting(r);
  const [cache, artifact] = await Promise.all([restoreFromCache(r, transferDir), restoreFromArtifacts(r)]);

  const candidates: Candidate[] = [];
  if (existing) candidates.push(existing);
  for (const l of [cache, artifact]) if ("candidate" in l) candidates.push(l.candidate);
  // Highest sequence wins; on a tie the first listed (workspace, cache, artifact): no copy needed.
  const winner = candidates.reduce<Candidate | undefined>((best, c) => (best === undefined || c.seq > best.seq ? c : best), undefined);

  if (r.stopped()) {
    // A stop arrived while restoring: leave the folder as it is.
    return winner?.source === "workspace"
      ? { source: "workspace", detail: winner.detail, seq: winner.seq }
      : { source: "fresh", detail: "stopped before the state was restored", seq: 0, freshReason: "the run was stopped while restoring" };
  }

  for (const c of candidates) {
    if (c !== winner) core.info(`also found: state #${c.seq} in the ${c.source} (${c.detail}); not used: not newer than the one restored`);
  }
  if (!winner) {
    clearStateFiles(r.stateDir);
    const freshReason = `cache: ${whyMissing(cache)}; artifacts: ${whyMissing(artifact)}`;
    core.warning(
      `Fresh start: no earlier state for state-key '${r.names.stateKey}' could be restored (${freshReason}). ` +
        "If this is the batch's first run, that is expected; otherwise work already done will be repeated.",
      { title: "resumable-batch: fresh start" },
    );
    cleanUp(transferDir, cache, artifact);
    return { source: "fresh", detail: "no earlier state found", seq: 0, freshReason };
  }

  if (winner.source !== "workspace") {
    clearStateFiles(r.stateDir);
    copyStateFiles(winner.dir, r.stateDir);
  }
  cleanUp(transferDir, cache, artifact);
  core.info(`restored state #${winner.seq} from the ${winner.source} (${winner.detail})`);
  return { source: winner.source, detail: winner.detail, seq: winner.seq };
}

function whyMissing(l: Lookup): string {
  return "missing" in l ? l.missing : "found";
}

function cleanUp(transferDir: string, cache: Lookup, artifact: Lookup): void {
  // A timed-out cache restore may still extract into the transfer folder later: harmless,
  // the post step clears it before saving. A finished one is removed now.
  if (!("abandoned" in cache && cache.abandoned)) rmSync(transferDir, { recursive: true, force: true });
  if ("candidate" in artifact) rmSync(artifact.candidate.dir, { recursive: true, force: true });
}

/** The state folder's own content, when there is one (kept unless something newer turns up). */
function lookAtExisting(r: RestoreRequest): Candidate | undefined {
  if (!hasStateFiles(r.stateDir)) return undefined;
  // Our own folder: other files in it (a report, a temp file of a killed write) are fine.
  const problem = stateFolderProblem(r.stateDir, { ignoreUnknown: true });
  const seq = problem ?? validSeq(r.stateDir);
  if (typeof seq !== "number") {
    const aside = mkdtempSync(join(r.tempDir, "resumable-batch-set-aside-"));
    copyStateFiles(r.stateDir, aside);
    clearStateFiles(r.stateDir);
    r.host.core.warning(`the state folder ${r.stateDir} already held a state that cannot be used (${seq}); moved it to ${aside}`);
    return undefined;
  }
  if (seq === 0) return undefined;
  r.host.core.info(`the state folder already holds state #${seq}`);
  return { source: "workspace", dir: r.stateDir, seq, detail: r.stateDir };
}

/** The state's sequence number, or the reason loadState rejects it. */
function validSeq(dir: string): number | string {
  try {
    return loadState(dir).state.origin.seq;
  } catch (error) {
    return errorMessage(error);
  }
}

function accept(dir: string, source: Candidate["source"], detail: string): Lookup {
  const problem = stateFolderProblem(dir);
  if (problem) return { missing: `rejected ${detail}: ${problem}` };
  const seq = validSeq(dir);
  if (typeof seq !== "number") return { missing: `rejected ${detail}: ${seq}` };
  if (seq === 0) return { missing: `${detail} holds no run` };
  return { candidate: { source, dir, seq, detail } };
}

async function restoreFromCache(r: RestoreRequest, transferDir: string): Promise<Lookup> {
  const { host } = r;
  if (!host.cache.isAvailable()) return { missing: "the cache service is not available here" };
  const prefix = r.names.cachePrefix;
  // The primary key is this run's own, which exists only when a re-run already saved it.
  const restored = await bounded(host.system, r.timeouts.cacheRestoreMs, "cache restore", () =>
    host.cache.restore([r.cachePath], r.names.cacheKey, [prefix]),
  );
  if (!restored.ok) {
    host.core.warning(`${restored.reason}; going on without the cache`);
    return { missing: restored.reason, abandoned: restored.timedOut };
  }
  const key = restored.value;
  // The client also answers undefined when it failed (it logs a warning of its own then).
  if (key === undefined) return { missing: `nothing found under ${prefix}` };
  if (!isOwnCacheKey(key, prefix)) {
    host.core.warning(`the cache answered with key '${key}', which is not one of this batch's; ignored`);
    return { missing: `foreign key ${key}` };
  }
  const lookup = accept(transferDir, "cache", `cache key ${key}`);
  if ("missing" in lookup) host.core.warning(`${lookup.missing}; not used`);
  return lookup;
}

async function restoreFromArtifacts(r: RestoreRequest): Promise<Lookup> {
  const { host } = r;
  if (!r.token) return { missing: "no github-token to look for artifacts" };
  if (!r.owner || !r.repo) return { missing: "GITHUB_REPOSITORY is not set" };
  if (!r.branch) return { missing: "the run's branch is unknown, so no artifact can be trusted" };
  const deadlineAtMs = host.system.nowMs() + r.timeouts.artifactRestoreMs;

  const listed = await Promise.all(
    r.names.artifactNamesSearched.map((name) =>
      bounded(host.system, r.timeouts.artifactListMs, `listing artifacts named ${name}`, (signal) =>
        host.rest.listByName({ owner: r.owner, repo: r.repo, name, token: r.token, signal }),
      ),
    ),
  );
  const failures = listed.flatMap((l) => (l.ok ? [] : [l.reason]));
  if (failures.length === listed.length) {
    const hint = /\b(401|403|404)\b|not accessible|credentials/i.test(failures[0]!) ? " (the github-token needs actions: read)" : "";
    host.core.warning(`${failures[0]}; going on without artifacts${hint}`);
    return { missing: failures[0]! };
  }
  if (failures.length > 0) host.core.warning(`${failures.length} artifact listing(s) failed: ${failures[0]}`);

  const seen = new Set<number>();
  let foreign = 0;
  const usable: RemoteArtifact[] = [];
  for (const l of listed) {
    if (!l.ok) continue;
    for (const a of l.value) {
      if (seen.has(a.id) || !r.names.artifactNamesSearched.includes(a.name) || a.expired || a.workflowRunId === undefined) continue;
      seen.add(a.id);
      // A fork's pull request can upload an artifact of the same name: never trust it.
      if (a.fromFork || a.headBranch !== r.branch) {
        foreign++;
        continue;
      }
      usable.push(a);
    }
  }
  if (foreign > 0) host.core.info(`ignored ${foreign} state artifact(s) from other branches or forks`);
  usable.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
  if (usable.length === 0) return { missing: `no unexpired artifact named ${r.names.artifactNamesSearched[0]!.replace(/1$/, "<attempt>")} from branch ${r.branch}` };

  const reasons: string[] = [];
  for (const a of usable.slice(0, MAX_ARTIFACT_TRIES)) {
    const leftMs = deadlineAtMs - host.system.nowMs();
    if (leftMs <= 0) {
      reasons.push("no time left for another download");
      break;
    }
    const dir = mkdtempSync(join(r.tempDir, "resumable-batch-artifact-"));
    const detail = `artifact ${a.name} (id ${a.id}) of run ${a.workflowRunId}`;
    const got = await bounded(host.system, Math.min(r.timeouts.artifactDownloadMs, leftMs), `downloading ${detail}`, () =>
      host.artifacts.download(a.id, {
        path: dir,
        expectedHash: a.digest ?? undefined,
        findBy: { token: r.token, workflowRunId: a.workflowRunId!, repositoryOwner: r.owner, repositoryName: r.repo },
      }),
    );
    let lookup: Lookup;
    if (!got.ok) lookup = { missing: got.reason };
    else if (got.value.digestMismatch) lookup = { missing: `rejected ${detail}: its content does not match its digest` };
    else lookup = accept(dir, "artifact", detail);
    if ("candidate" in lookup) return lookup;
    // Abandoned downloads keep their own folder: a late finish writes nowhere that matters.
    if (got.ok) rmSync(dir, { recursive: true, force: true });
    host.core.warning(`${lookup.missing}; not used`);
    reasons.push(lookup.missing);
  }
  return { missing: reasons.join("; ") };
}
