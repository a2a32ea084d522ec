import { listAllPages, listFailureHint } from "./artifact-search.js";
import { bounded, type Bounded } from "./bounded.js";
import type { ActionHost, ActionTimeouts } from "./host.js";
import { parseShardArtifactName } from "./names.js";

/** A state artifact of this workflow run, as the report job finds it. */
export interface ShardArtifact {
  id: number;
  name: string;
  /** `sha256:<hex>` when the service reports it. */
  digest?: string;
  /** ISO 8601; "" when unknown. */
  createdAt: string;
}

export interface ShardArtifactRequest {
  host: ActionHost;
  timeouts: ActionTimeouts;
  /** Blank: the internal listing and download (no REST, but an earlier attempt's artifacts are out of reach). */
  token: string;
  owner: string;
  repo: string;
  runId: string;
}

/**
 * This workflow run's artifacts, every attempt's. Through the REST API
 * (`GET /repos/{o}/{r}/actions/runs/{run_id}/artifacts`, page by page) when there is a
 * token: after "Re-run failed jobs" the internal (results service) API lists an earlier
 * attempt's artifacts but refuses to download them (404 "workflow run not found",
 * actions/download-artifact#486), so the report would miss every shard that was not re-run.
 */
export async function listRunArtifacts(r: ShardArtifactRequest): Promise<{ ok: true; value: ShardArtifact[] } | { ok: false; reason: string }> {
  const runId = Number(r.runId);
  if (r.token && r.owner && r.repo && Number.isSafeInteger(runId)) {
    const listed = await listAllPages({
      host: r.host,
      pageTimeoutMs: r.timeouts.artifactListMs,
      owner: r.owner,
      repo: r.repo,
      token: r.token,
      runId,
      what: "this run's artifacts",
    });
    if (!listed.ok) return { ok: false, reason: `${listed.reason}${listFailureHint(listed.kind)}` };
    return {
      ok: true,
      value: listed.artifacts.filter((a) => !a.expired).map((a) => ({ id: a.id, name: a.name, digest: a.digest, createdAt: a.createdAt })),
    };
  }
  r.host.core.warning(
    "no github-token: listing this run's artifacts through the runner's own service, which cannot download an earlier attempt's artifacts (after \"Re-run failed jobs\" those shards are missing)",
  );
  const listed = await bounded(r.host.system, r.timeouts.artifactListMs, "listing this run's artifacts", () => r.host.artifacts.listRun());
  if (!listed.ok) return listed;
  return { ok: true, value: listed.value.map((a) => ({ id: a.id, name: a.name, digest: a.digest, createdAt: a.createdAt ?? "" })) };
}

/** Downloads one of this run's artifacts into `path` (REST with findBy when there is a token). */
export function downloadRunArtifact(r: ShardArtifactRequest, a: ShardArtifact, path: string): Promise<Bounded<{ digestMismatch?: boolean }>> {
  const runId = Number(r.runId);
  const findBy =
    r.token && r.owner && r.repo && Number.isSafeInteger(runId)
      ? { token: r.token, workflowRunId: runId, repositoryOwner: r.owner, repositoryName: r.repo }
      : undefined;
  return bounded(r.host.system, r.timeouts.artifactDownloadMs, `downloading ${a.name} (id ${a.id})`, () =>
    r.host.artifacts.download(a.id, { path, expectedHash: a.digest, findBy }),
  );
}

const newer = (a: { seq: number; createdAt: string }, b: { seq: number; createdAt: string }) =>
  a.seq - b.seq || (Date.parse(a.createdAt) || 0) - (Date.parse(b.createdAt) || 0);

/**
 * Per shard, the artifact of the newest state: the highest seq in its name (a later attempt
 * continues the earlier attempt's state, so it carries a higher seq), then the latest
 * creation time — never the id, which is not in time order (a newer attempt can get a lower
 * id, docs/ARCHITECTURE.md). The matrix size is that of the most recently created shard artifact.
 * An unsharded state artifact counts as shard 1 of 1 (the reusable workflow's `shards: 1`).
 */
export function pickShardArtifacts(
  stateKey: string,
  artifacts: readonly ShardArtifact[],
): { count?: number; byIndex: Map<number, ShardArtifact & { seq: number }>; otherCounts: number[] } {
  const parsed = artifacts.flatMap((a) => {
    const p = parseShardArtifactName(stateKey, a.name);
    return p ? [{ ...a, ...p }] : [];
  });
  if (parsed.length === 0) return { byIndex: new Map(), otherCounts: [] };
  const latest = parsed.reduce((a, b) =>
    (Date.parse(b.createdAt) || 0) > (Date.parse(a.createdAt) || 0) || (b.createdAt === a.createdAt && b.seq > a.seq) ? b : a,
  );
  const count = latest.count;
  const byIndex = new Map<number, ShardArtifact & { seq: number }>();
  for (const a of parsed) {
    if (a.count !== count) continue;
    const had = byIndex.get(a.index);
    if (!had || newer(a, had) > 0) byIndex.set(a.index, { id: a.id, name: a.name, digest: a.digest, createdAt: a.createdAt, seq: a.seq });
  }
  const otherCounts = [...new Set(parsed.filter((a) => a.count !== count).map((a) => a.count))].sort((a, b) => a - b);
  return { count, byIndex, otherCounts };
}
