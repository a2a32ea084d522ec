import { bounded } from "./bounded.js";
import { RateLimitError, REST_PAGE_SIZE, type ActionHost, type RemoteArtifact } from "./host.js";

/**
 * Most pages read from one listing (100 entries a page). A listing by exact name holds a
 * handful of entries; the repository-wide listing without a name (the fallback when the
 * cache has nothing) can be long and has no documented order (docs/ARCHITECTURE.md), so it is read
 * whole, up to this many pages, each one REST request.
 */
export const MAX_LIST_PAGES = 10;

/** Why a listing failed: the budget is spent, a call timed out, the token may not read artifacts, or anything else. */
export type ListFailureKind = "rate-limit" | "timeout" | "denied" | "error";

export type Listing = { ok: true; artifacts: RemoteArtifact[]; capped: boolean } | { ok: false; reason: string; kind: ListFailureKind };

export interface ListRequest {
  host: ActionHost;
  /** Bound of each page's request. */
  pageTimeoutMs: number;
  owner: string;
  repo: string;
  token: string;
  /** Exact artifact name to list (all names when omitted). */
  name?: string;
  /** This workflow run's artifacts only (repository-wide when omitted). */
  runId?: number;
  /** For log lines: what is being listed. */
  what: string;
}

/**
 * Reads a REST artifact listing page after page (REST_PAGE_SIZE a page) until `total_count`
 * entries were read, a page comes back short, or MAX_LIST_PAGES were read (`capped`).
 * Every page is one request against the token's 1,000-an-hour budget: the first page of a
 * small listing is usually the last.
 */
export async function listAllPages(l: ListRequest): Promise<Listing> {
  const artifacts: RemoteArtifact[] = [];
  for (let page = 1; page <= MAX_LIST_PAGES; page++) {
    const got = await bounded(l.host.system, l.pageTimeoutMs, `listing ${l.what}${page > 1 ? ` (page ${page})` : ""}`, (signal) =>
      l.host.rest.list({ owner: l.owner, repo: l.repo, name: l.name, runId: l.runId, page, token: l.token, signal }),
    );
    if (!got.ok) return { ok: false, reason: got.reason, kind: got.timedOut ? "timeout" : failureKind(got.error) };
    artifacts.push(...got.value.artifacts);
    if (got.value.artifacts.length < REST_PAGE_SIZE || artifacts.length >= got.value.totalCount) return { ok: true, artifacts, capped: false };
  }
  return { ok: true, artifacts, capped: true };
}

function failureKind(error: unknown): ListFailureKind {
  if (error instanceof RateLimitError) return "rate-limit";
  const status = (error as { status?: unknown } | undefined)?.status;
  // No actions: read (401/403), or a repository the token cannot see (404): a setting, not an outage.
  return status === 401 || status === 403 || status === 404 ? "denied" : "error";
}

/** A hint for a log line about a listing that failed. */
export function listFailureHint(kind: ListFailureKind): string {
  switch (kind) {
    case "rate-limit":
      return " (the GITHUB_TOKEN gets 1,000 REST requests an hour per repository; wide matrices share them)";
    case "denied":
      return " (the github-token needs actions: read)";
    default:
      return "";
  }
}
