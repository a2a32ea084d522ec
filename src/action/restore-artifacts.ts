import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { listAllPages, listFailureHint, type Listing } from "./artifact-search.js";
import { bounded } from "./bounded.js";
import type { RemoteArtifact } from "./host.js";
import { seqOfArtifactName, stateArtifactName } from "./names.js";
import { accept, type Lookup, type RestoreRequest } from "./restore-candidate.js";

/** Newest artifacts tried, one after another, when a download fails or its state is rejected. */
export const MAX_ARTIFACT_TRIES = 3;

/**
 * Newer states looked for one by one above the state the cache gave: each is one exact-name
 * request, and each run whose cache save failed adds one. Past this many in a row, the
 * next run goes on from there.
 */
export const MAX_NEWER_PROBES = 10;

type Found = RemoteArtifact & { seq: number };
type Miss = Extract<Lookup, { missing: string }>;

/**
 * The newest state among the artifacts of this batch's branch, as a restore candidate.
 * With `anchorSeq` (the seq the cache or the workspace gave) it asks for the exact names
 * `…-state-<anchorSeq+1>`, `+2`, … until one is not there: one REST request when nothing
 * newer exists. Without it (the cache holds nothing) it reads the repository's artifact
 * listing page by page. Newest = highest seq in the name, then the latest `created_at`
 * (ids are not in time order, docs/ARCHITECTURE.md); downloads go through the REST API with
 * `findBy` (another run's artifacts).
 */
export async function restoreFromArtifacts(r: RestoreRequest, anchorSeq: number | undefined): Promise<Lookup> {
  const { host } = r;
  if (!r.token) return { missing: "no github-token to look for artifacts" };
  if (!r.owner || !r.repo) return { missing: "GITHUB_REPOSITORY is not set" };
  if (!r.branch) return { missing: "the run's branch is unknown, so no artifact can be trusted" };
  const deadlineAtMs = host.system.nowMs() + r.timeouts.artifactRestoreMs;

  const found = anchorSeq === undefined ? await searchListing(r) : await probeNewer(r, anchorSeq);
  if (!Array.isArray(found)) return found;
  if (found.length === 0) {
    const name = anchorSeq === undefined ? `${r.names.artifactPrefix}<seq>` : stateArtifactName(r.names.artifactPrefix, anchorSeq + 1);
    return { missing: `no unexpired artifact ${name} from branch ${r.branch}` };
  }
  found.sort((a, b) => b.seq - a.seq || Date.parse(b.createdAt) - Date.parse(a.createdAt));

  const reasons: string[] = [];
  let unreached = false;
  let timedOut = false;
  for (const a of found.slice(0, MAX_ARTIFACT_TRIES)) {
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
    unreached ||= !got.ok;
    timedOut ||= !got.ok && got.timedOut;
    // Abandoned downloads keep their own folder: a late finish writes nowhere that matters.
    if (got.ok) rmSync(dir, { recursive: true, force: true });
    host.core.warning(`${lookup.missing}; not used`);
    reasons.push(lookup.missing);
    // A download that timed out: the API is sick for this job, another download would wait as long.
    if (!got.ok && got.timedOut) break;
  }
  // A state that could not be downloaded still exists: not "nothing", so no fresh start.
  // One that was downloaded and rejected (digest, content) would be rejected again: "nothing".
  return { missing: reasons.join("; "), failed: unreached, timedOut };
}

/** Usable state artifacts of this batch in a listing: this branch, no fork, not expired, a seq in the name. */
function usable(r: RestoreRequest, artifacts: RemoteArtifact[]): { found: Found[]; foreign: number } {
  const seen = new Set<number>();
  const found: Found[] = [];
  let foreign = 0;
  for (const a of artifacts) {
    const seq = seqOfArtifactName(r.names.artifactPrefix, a.name);
    if (seq === undefined || seen.has(a.id) || a.expired || a.workflowRunId === undefined) continue;
    seen.add(a.id);
    // A fork's pull request can upload an artifact of the same name: never trust it.
    if (a.fromFork || a.headBranch !== r.branch) foreign++;
    else found.push({ ...a, seq });
  }
  return { found, foreign };
}

/** `…-state-<anchor+1>`, `+2`, … until one is missing: the states saved after the anchor. */
async function probeNewer(r: RestoreRequest, anchorSeq: number): Promise<Found[] | Miss> {
  const found: Found[] = [];
  let foreign = 0;
  for (let seq = anchorSeq + 1; seq <= anchorSeq + MAX_NEWER_PROBES; seq++) {
    const name = stateArtifactName(r.names.artifactPrefix, seq);
    const listed = await list(r, { name, what: `artifacts named ${name}` });
    // What was found so far is still newer than the anchor.
    if (!listed.ok) return found.length > 0 ? found : failure(r, listed);
    const got = usable(r, listed.artifacts);
    foreign += got.foreign;
    if (got.found.length === 0) break;
    found.push(...got.found);
  }
  if (foreign > 0) r.host.core.info(`ignored ${foreign} state artifact(s) from other branches or forks`);
  return found;
}

/** Without a seq to start from: every page of the repository's artifact listing. */
async function searchListing(r: RestoreRequest): Promise<Found[] | Miss> {
  const listed = await list(r, { what: "the repository's artifacts" });
  if (!listed.ok) return failure(r, listed);
  if (listed.capped) {
    r.host.core.warning(
      `the repository holds more artifacts than the ${listed.artifacts.length} read; an older state of this batch may have been missed`,
    );
  }
  const got = usable(r, listed.artifacts);
  if (got.foreign > 0) r.host.core.info(`ignored ${got.foreign} state artifact(s) from other branches or forks`);
  return got.found;
}

function list(r: RestoreRequest, o: { name?: string; what: string }): Promise<Listing> {
  return listAllPages({ host: r.host, pageTimeoutMs: r.timeouts.artifactListMs, owner: r.owner, repo: r.repo, token: r.token, ...o });
}

/**
 * A listing that did not answer. A token without `actions: read` is a setting: "nothing"
 * (with a hint), so a batch without that permission still starts. A spent rate limit, a
 * timeout or an error leave it unknown whether a newer state exists: `failed`.
 */
function failure(r: RestoreRequest, listed: Extract<Listing, { ok: false }>): Miss {
  r.host.core.warning(`${listed.reason}; going on without artifacts${listFailureHint(listed.kind)}`);
  if (listed.kind === "denied") return { missing: listed.reason };
  return { missing: listed.reason, failed: true, timedOut: listed.kind === "timeout" };
}
