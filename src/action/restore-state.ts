import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bounded } from "./bounded.js";
import { CACHE_TRANSFER_DIR, isOwnCacheKey } from "./names.js";
import { restoreFromArtifacts } from "./restore-artifacts.js";
import { accept, validSeq, type Candidate, type Lookup, type RestoreOutcome, type RestoreRequest, type SickService } from "./restore-candidate.js";
import { clearStateFiles, copyStateFiles, hasStateFiles, stateFolderProblem } from "./state-folder.js";

// The request, the answer types and the candidate check live in restore-candidate.ts (the
// artifact side uses them too); importers of restore-state.js keep finding them here.
export {
  accept,
  validSeq,
  type Candidate,
  type Lookup,
  type RestoreOutcome,
  type RestoreRequest,
  type SickService,
  type StateSource,
} from "./restore-candidate.js";

/**
 * Restores the newest state into the state folder. The cache and the artifacts can
 * disagree (docs/ARCHITECTURE.md: a run whose cache save failed left its state only in its
 * artifact). The cache comes first (no REST request); its state's seq S then lets the
 * artifact side ask for the one exact name `…-state-<S+1>` (names.ts) — one REST request
 * in the usual case — and only without any seq to start from does it read the
 * repository's listing page by page. Each candidate is fetched into a folder of its own,
 * checked (only state files, no links, loadState must accept it) and the highest seq wins;
 * a state already in the folder takes part too.
 *
 * An outage must not lose progress (issue 13 item 4): when nothing was restored and a
 * source failed rather than answered "nothing", the run is `unavailable` — it processes
 * nothing, says so loudly, and saves nothing, so the further-along state stays the newest.
 * A fresh start happens only when every source answered that it holds nothing.
 */
export async function restoreState(r: RestoreRequest): Promise<RestoreOutcome> {
  const { core } = r.host;
  const transferDir = join(r.stateDir, CACHE_TRANSFER_DIR);
  rmSync(transferDir, { recursive: true, force: true });

  const existing = lookAtExisting(r);
  const cache = await restoreFromCache(r, transferDir);
  const anchor = Math.max(existing?.seq ?? 0, "candidate" in cache ? cache.candidate.seq : 0);
  const artifact = await restoreFromArtifacts(r, anchor > 0 ? anchor : undefined);
  const sick: SickService[] = [
    ...("timedOut" in cache && cache.timedOut ? ["cache" as const] : []),
    ...("timedOut" in artifact && artifact.timedOut ? ["rest" as const] : []),
  ];

  const candidates: Candidate[] = [];
  if (existing) candidates.push(existing);
  for (const l of [cache, artifact]) if ("candidate" in l) candidates.push(l.candidate);
  // Highest sequence wins; on a tie the first listed (workspace, cache, artifact): no copy needed.
  const winner = candidates.reduce<Candidate | undefined>((best, c) => (best === undefined || c.seq > best.seq ? c : best), undefined);

  if (r.stopped()) {
    // A stop arrived while restoring: leave the folder as it is.
    return winner?.source === "workspace"
      ? { source: "workspace", detail: winner.detail, seq: winner.seq, sick }
      : { source: "fresh", detail: "stopped before the state was restored", seq: 0, freshReason: "the run was stopped while restoring", sick };
  }

  for (const c of candidates) {
    if (c !== winner) core.info(`also found: state #${c.seq} in the ${c.source} (${c.detail}); not used: not newer than the one restored`);
  }
  if (!winner) {
    const freshReason = `cache: ${whyMissing(cache)}; artifacts: ${whyMissing(artifact)}`;
    cleanUp(transferDir, cache, artifact);
    if (isFailure(cache) || isFailure(artifact)) return unavailable(r, freshReason, sick);
    clearStateFiles(r.stateDir);
    core.warning(
      `Fresh start: no earlier state for state-key '${r.names.stateKey}' could be restored (${freshReason}). ` +
        "If this is the batch's first run, that is expected; otherwise work already done will be repeated.",
      { title: "resumable-batch: fresh start" },
    );
    return { source: "fresh", detail: "no earlier state found", seq: 0, freshReason, sick };
  }
  if (winner.source !== "artifact" && isFailure(artifact)) {
    core.warning(
      `the artifacts could not be searched for a state newer than #${winner.seq} (${whyMissing(artifact)}); going on with the ${winner.source}'s state`,
    );
  }

  if (winner.source !== "workspace") {
    clearStateFiles(r.stateDir);
    copyStateFiles(winner.dir, r.stateDir);
  }
  cleanUp(transferDir, cache, artifact);
  core.info(`restored state #${winner.seq} from the ${winner.source} (${winner.detail})`);
  return { source: winner.source, detail: winner.detail, seq: winner.seq, sick };
}

function isFailure(l: Lookup): boolean {
  return "missing" in l && l.failed === true;
}

/** Nothing restored and a source failed: process nothing, loudly, so no progress is buried. */
function unavailable(r: RestoreRequest, reason: string, sick: SickService[]): RestoreOutcome {
  r.host.core.warning(
    `Nothing was run: the saved state of state-key '${r.names.stateKey}' could not be reached (${reason}). ` +
      "Starting from scratch now would save a state that later runs take for the newest and bury the further-along one, " +
      "so this run processes nothing and saves nothing; the next run goes on from the saved state.",
    { title: "resumable-batch: state unreachable, nothing run" },
  );
  return { source: "unavailable", detail: "the saved state could not be reached", seq: 0, freshReason: reason, sick };
}

function whyMissing(l: Lookup): string {
  return "missing" in l ? l.missing : "found";
}

function cleanUp(transferDir: string, cache: Lookup, artifact: Lookup): void {
  // A timed-out cache restore may still extract into the transfer folder later: harmless,
  // the post step clears it before saving. A finished one is removed now.
  if (!("timedOut" in cache && cache.timedOut)) rmSync(transferDir, { recursive: true, force: true });
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

async function restoreFromCache(r: RestoreRequest, transferDir: string): Promise<Lookup> {
  const { host } = r;
  if (!host.cache.isAvailable()) return { missing: "the cache service is not available here" };
  const prefix = r.names.cachePrefix;
  // The primary key is this run's own, which exists only when a re-run already saved it.
  const restored = await bounded(host.system, r.timeouts.cacheRestoreMs, "cache restore", () =>
    host.cache.restore([r.cachePath], r.names.cacheKey, [prefix]),
  );
  if (!restored.ok) {
    host.core.warning(`${restored.reason}${restored.timedOut ? "; the cache is not called again in this job" : ""}; going on without the cache`);
    return { missing: restored.reason, failed: true, timedOut: restored.timedOut };
  }
  const key = restored.value;
  if (key === undefined) return { missing: `nothing found under ${prefix}` };
  if (!isOwnCacheKey(key, prefix)) {
    host.core.warning(`the cache answered with key '${key}', which is not one of this batch's; ignored`);
    return { missing: `foreign key ${key}` };
  }
  const lookup = accept(transferDir, "cache", `cache key ${key}`);
  if ("missing" in lookup) host.core.warning(`${lookup.missing}; not used`);
  return lookup;
}
