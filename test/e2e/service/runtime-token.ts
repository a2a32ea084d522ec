// The ACTIONS_RUNTIME_TOKEN a runner hands a step, as an unsigned JWT: the clients decode it
// without verifying it, and the stand-in reads the same claims the real service does.
//
// Claims used:
// - `scp`: space-separated scopes; the artifact client needs
//   `Actions.Results:<runBackendId>:<jobBackendId>` (see @actions/artifact lib/internal/shared/util.js).
// - `ac`: the cache scopes, a JSON *string* of `[{"Scope":"refs/heads/x","Permission":3}]`
//   (Permission bits: 1 read, 2 write), in lookup order: the run's own ref first, then the
//   default branch read-only. This mirrors the real token; the stand-in reads it for the
//   cache's branch scoping.
// - `run_id`: the public run id, which the stand-in uses to tie Twirp artifacts to the REST API.

/** One cache scope of a token. */
export interface CacheScope {
  /** A git ref, e.g. `refs/heads/main`. */
  scope: string;
  /** Bit field: 1 = read, 2 = write. */
  permission: number;
}

export const CACHE_READ = 1;
export const CACHE_WRITE = 2;

export interface RuntimeTokenOptions {
  runBackendId: string;
  jobBackendId: string;
  /** Ref the run is on. @default `refs/heads/${defaultBranch}` */
  ref?: string;
  /** Repository default branch (name, not ref). @default "main" */
  defaultBranch?: string;
  /** Public run id (GITHUB_RUN_ID), carried as the `run_id` claim. */
  runId?: number;
  /** Overrides the cache scopes derived from `ref` and `defaultBranch`. */
  cacheScopes?: CacheScope[];
}

/** What the stand-in reads back from a token. */
export interface RuntimeTokenClaims {
  runBackendId: string;
  jobBackendId: string;
  /** Empty when the token has no `ac` claim. */
  cacheScopes: CacheScope[];
  runId?: number;
}

/** Cache scopes a run on `ref` gets: read/write on its own ref, read on the default branch. */
export function cacheScopesFor(ref: string, defaultBranch: string): CacheScope[] {
  const defaultRef = `refs/heads/${defaultBranch}`;
  if (ref === defaultRef) return [{ scope: ref, permission: CACHE_READ | CACHE_WRITE }];
  return [
    { scope: ref, permission: CACHE_READ | CACHE_WRITE },
    { scope: defaultRef, permission: CACHE_READ },
  ];
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function makeRuntimeToken(options: RuntimeTokenOptions): string {
  const defaultBranch = options.defaultBranch ?? "main";
  const ref = options.ref ?? `refs/heads/${defaultBranch}`;
  const scopes = options.cacheScopes ?? cacheScopesFor(ref, defaultBranch);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${options.runBackendId}:${options.jobBackendId}`,
    ac: JSON.stringify(scopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + 6 * 3600,
  };
  if (options.runId !== undefined) claims.run_id = String(options.runId);
  // alg "none" and an empty signature: nothing verifies it, and jwt-decode only reads part 2.
  return `${base64url({ typ: "JWT", alg: "none" })}.${base64url(claims)}.`;
}

/** Decodes a runtime token; `undefined` when it is not a JWT with an Actions.Results scope. */
export function decodeRuntimeToken(token: string): RuntimeTokenClaims | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof claims.scp !== "string") return undefined;
  const results = claims.scp
    .split(" ")
    .map((s) => s.split(":"))
    .find((parts) => parts[0] === "Actions.Results" && parts.length === 3);
  if (!results) return undefined;
  let cacheScopes: CacheScope[] = [];
  if (typeof claims.ac === "string") {
    try {
      const parsed = JSON.parse(claims.ac) as Array<{ Scope: string; Permission: number }>;
      cacheScopes = parsed.map((s) => ({ scope: s.Scope, permission: s.Permission }));
    } catch {
      cacheScopes = [];
    }
  }
  const runId = claims.run_id === undefined ? undefined : Number(claims.run_id);
  return {
    runBackendId: results[1]!,
    jobBackendId: results[2]!,
    cacheScopes,
    runId: Number.isFinite(runId) ? runId : undefined,
  };
}
