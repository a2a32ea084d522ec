// A local stand-in for the GitHub Actions results service (Twirp CacheService and
// ArtifactService) and the few public REST calls this project makes, for end-to-end tests
// that run the real, unmodified @actions/cache and @actions/artifact clients against it.
//
//   const azurite = await startAzurite();
//   const gh = await startFakeGitHub({ azurite });
//   const env = gh.runnerEnv({ runId: 7, runAttempt: 1 });   // what a runner gives a step
//   … spawn the code under test with { ...process.env-less base, ...env } …
//   gh.cacheEntries(); gh.artifacts(); gh.requests();        // assert
//   await gh.stop(); await azurite.stop();
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactService, type ArtifactInfo } from "./artifact-service.js";
import type { Azurite } from "./azurite.js";
import { BlobStore } from "./blob-store.js";
import { CacheService, type CacheEntryInfo } from "./cache-service.js";
import { cacheScopesFor, decodeRuntimeToken, makeRuntimeToken, type RuntimeTokenClaims } from "./runtime-token.js";
import { FaultInjector, sendJson, type FaultAction, type FaultRule, type InjectedFault } from "./faults.js";
import { TwirpError } from "./twirp.js";

export type { ArtifactInfo } from "./artifact-service.js";
export type { CacheEntryInfo } from "./cache-service.js";
export { makeRuntimeToken, decodeRuntimeToken } from "./runtime-token.js";

const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.";

export interface FakeGitHubOptions {
  azurite: Azurite;
  /** @default "owner" */
  owner?: string;
  /** @default "repo" */
  repo?: string;
  /** Default branch name: cache scope fallback and the ref of scheduled runs. @default "main" */
  defaultBranch?: string;
  /** Clock for timestamps and artifact expiry (ms since epoch). @default Date.now */
  now?: () => number;
}

export type { FaultAction, FaultRule, FaultService, InjectedFault } from "./faults.js";

export interface RequestLogEntry {
  seq: number;
  atMs: number;
  method: string;
  /** Path and query. */
  url: string;
  /** `cache.CreateCacheEntry`, `artifact.ListArtifacts`, `rest.downloadArtifact`, or `unknown`. */
  route: string;
  /** From the runtime token of a Twirp call. */
  runBackendId?: string;
  runId?: number;
  hasAuthorization: boolean;
  /** REST calls: the token of the Authorization header (`token X` or `Bearer X`). */
  token?: string;
  /** The status sent; `undefined` while pending and for hung or reset requests. */
  status?: number;
  /** The injected fault that answered it, if any. */
  fault?: FaultAction["kind"];
  /** Twirp error code or REST error message sent, if any. */
  error?: string;
}

export interface DispatchRecord {
  atMs: number;
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
  /** The queued run the dispatch created (see `runs()`). */
  runId: number;
}

export interface RunInfo {
  id: number;
  runAttempt: number;
  runBackendId: string;
  ref: string;
  workflow: string;
  event: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  createdAt: string;
}

export interface RunnerEnvOptions {
  runId: number;
  /** @default 1 */
  runAttempt?: number;
  /** @default `refs/heads/${defaultBranch}` */
  ref?: string;
  /** @default "schedule" */
  eventName?: string;
  /** @default "resumable-batch" */
  workflow?: string;
  /** @default "run" */
  job?: string;
  /** @default "__run" */
  action?: string;
  /** Existing folder; a fresh one under the stand-in's temp root when omitted. */
  workspace?: string;
  /** Existing folder; a fresh one under the stand-in's temp root when omitted. */
  runnerTemp?: string;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  /**
   * The environment a runner gives a step of run `runId` (registers the run). The caller adds
   * GITHUB_STATE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY files and INPUT_* variables, and the
   * base variables (PATH, HOME) a process needs.
   */
  runnerEnv(options: RunnerEnvOptions): Record<string, string>;
  /** The run backend id the stand-in gives run `runId` (stable for the run, across attempts). */
  runBackendIdOf(runId: number): string;
  /** REST requests made with `token` (all REST requests when omitted): the budget a run spent. */
  restCalls(token?: string): RequestLogEntry[];
  injectFault(rule: FaultRule): InjectedFault;
  clearFaults(): void;
  /** Evicts cache entries with this exact key (every entry when omitted); returns how many. */
  evictCache(key?: string): Promise<number>;
  /** REST then shows `expired: true`; downloads fail (REST 410, Twirp not found). */
  expireArtifact(id: number): void;
  /** Marks a run completed (or any other status), e.g. a dispatched run. */
  setRunStatus(runId: number, status: RunInfo["status"], conclusion?: string | null): void;
  cacheEntries(): CacheEntryInfo[];
  artifacts(): ArtifactInfo[];
  requests(): RequestLogEntry[];
  dispatches(): DispatchRecord[];
  runs(): RunInfo[];
  /** Closes the server, every connection and every hung request; removes its temp folders. */
  stop(): Promise<void>;
}

class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A UUID-shaped id derived from `seed`, so a run keeps its backend id across attempts. */
function uuidFrom(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new RestError(413, "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function page<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Math.min(Math.max(Number(query.get("per_page") ?? 30) || 30, 1), 100);
  const pageNo = Math.max(Number(query.get("page") ?? 1) || 1, 1);
  return items.slice((pageNo - 1) * perPage, pageNo * perPage);
}

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const owner = options.owner ?? "owner";
  const repo = options.repo ?? "repo";
  const defaultBranch = options.defaultBranch ?? "main";
  const now = options.now ?? Date.now;
  const rootDir = mkdtempSync(join(tmpdir(), "fake-github-"));
  const blobs = new BlobStore(options.azurite);
  // A suffix per instance, so several stand-ins can share one Azurite.
  const suffix = randomBytes(4).toString("hex");

  const runs = new Map<number, RunInfo>();
  const runIdByBackendId = new Map<string, number>();
  const attemptByJobBackendId = new Map<string, number>();
  const dispatches: DispatchRecord[] = [];
  const log: RequestLogEntry[] = [];
  let dirCount = 0;

  const runBackendIdOf = (runId: number) => uuidFrom(`run:${owner}/${repo}:${runId}`);
  const runIdOf = (claims: RuntimeTokenClaims | undefined): number | undefined =>
    claims === undefined ? undefined : (claims.runId ?? runIdByBackendId.get(claims.runBackendId));
  const faults = new FaultInjector(now, runIdOf);

  const cache = new CacheService({
    blobs,
    container: `actions-cache-${suffix}`,
    now,
    defaultScopes: cacheScopesFor(`refs/heads/${defaultBranch}`, defaultBranch),
  });
  const artifacts = new ArtifactService({
    blobs,
    container: `actions-artifacts-${suffix}`,
    now,
    runIdOf: (runBackendId, claims) => claims.runId ?? runIdByBackendId.get(runBackendId),
    attemptOf: (jobBackendId) => attemptByJobBackendId.get(jobBackendId) ?? 1,
  });
  await Promise.all([cache.init(), artifacts.init()]);

  function registerRun(run: RunInfo): void {
    runs.set(run.id, run);
    runIdByBackendId.set(run.runBackendId, run.id);
  }

  async function handleTwirp(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, path: string): Promise<void> {
    const [serviceName, method = ""] = path.slice(TWIRP_PREFIX.length).split("/");
    const service = serviceName === "CacheService" ? "cache" : serviceName === "ArtifactService" ? "artifact" : undefined;
    entry.route = service ? `${service}.${method}` : "unknown";
    const auth = req.headers.authorization ?? "";
    const claims = auth.startsWith("Bearer ") ? decodeRuntimeToken(auth.slice("Bearer ".length)) : undefined;
    entry.runBackendId = claims?.runBackendId;
    entry.runId = runIdOf(claims);
    const body = await readBody(req);
    if (service && faults.apply(faults.find(service, method, claims), true, req, res, entry)) return;
    try {
      if (req.method !== "POST" || !service) throw new TwirpError("bad_route", `no route for ${req.method} ${path}`);
      if (!claims) throw new TwirpError("unauthenticated", "missing or invalid runtime token");
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8") || "{}");
      } catch {
        throw new TwirpError("malformed", "the request body is not JSON");
      }
      const answer = service === "cache" ? await cache.handle(method, claims, parsed) : await artifacts.handle(method, claims, parsed);
      sendJson(res, 200, answer);
    } catch (error) {
      if (!(error instanceof TwirpError)) throw error;
      entry.error = error.code;
      sendJson(res, error.status, { code: error.code, msg: error.message });
    }
  }

  function restArtifact(a: ArtifactInfo): object {
    const run = a.runId === undefined ? undefined : runs.get(a.runId);
    const base = `${url}/repos/${owner}/${repo}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: Buffer.from(`Artifact${a.id}`).toString("base64"),
      name: a.name,
      size_in_bytes: a.size,
      url: base,
      archive_download_url: `${base}/zip`,
      expired: a.expired,
      digest: a.digest ?? null,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: a.expiresAt ?? new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString(),
      workflow_run: {
        id: a.runId ?? null,
        repository_id: 1,
        head_repository_id: 1,
        head_branch: run ? run.ref.replace(/^refs\/heads\//, "") : null,
        head_sha: "0".repeat(40),
      },
    };
  }

  function restRun(run: RunInfo): object {
    return {
      id: run.id,
      name: run.workflow,
      run_number: run.id,
      run_attempt: run.runAttempt,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      head_branch: run.ref.replace(/^refs\/heads\//, ""),
      head_sha: "0".repeat(40),
      path: `.github/workflows/${run.workflow}.yml`,
      created_at: run.createdAt,
      updated_at: run.createdAt,
      url: `${url}/repos/${owner}/${repo}/actions/runs/${run.id}`,
      html_url: `https://github.com/${owner}/${repo}/actions/runs/${run.id}`,
    };
  }

  type RestHandler = (match: RegExpExecArray, query: URLSearchParams, body: Buffer, res: ServerResponse) => Promise<void> | void;
  const repoPath = "/repos/([^/]+)/([^/]+)";
  const restRoutes: Array<{ name: string; verb: string; pattern: RegExp; handler: RestHandler }> = [
    {
      name: "listRunArtifacts",
      verb: "GET",
      pattern: new RegExp(`^${repoPath}/actions/runs/(\\d+)/artifacts$`),
      handler: (m, q, _b, res) => {
        const all = artifacts.visible({ runId: Number(m[3]), name: q.get("name") ?? undefined });
        sendJson(res, 200, { total_count: all.length, artifacts: page(all, q).map(restArtifact) });
      },
    },
    {
      name: "listRepoArtifacts",
      verb: "GET",
      pattern: new RegExp(`^${repoPath}/actions/artifacts$`),
      handler: (_m, q, _b, res) => {
        const all = artifacts.visible({ name: q.get("name") ?? undefined });
        sendJson(res, 200, { total_count: all.length, artifacts: page(all, q).map(restArtifact) });
      },
    },
    {
      name: "getArtifact",
      verb: "GET",
      pattern: new RegExp(`^${repoPath}/actions/artifacts/(\\d+)$`),
      handler: (m, _q, _b, res) => {
        const found = artifacts.visible({}).find((a) => a.id === Number(m[3]));
        if (!found) throw new RestError(404, "Not Found");
        sendJson(res, 200, restArtifact(found));
      },
    },
    {
      name: "downloadArtifact",
      verb: "GET",
      pattern: new RegExp(`^${repoPath}/actions/artifacts/(\\d+)/([^/]+)$`),
      handler: (m, _q, _b, res) => {
        if (m[4] !== "zip") throw new RestError(422, "archive_format must be zip");
        const download = artifacts.download(Number(m[3]));
        if (download.kind === "not_found") throw new RestError(404, "Not Found");
        if (download.kind === "expired") throw new RestError(410, "Artifact has expired");
        res.writeHead(302, { location: download.url, "content-length": 0 });
        res.end();
      },
    },
    {
      name: "deleteArtifact",
      verb: "DELETE",
      pattern: new RegExp(`^${repoPath}/actions/artifacts/(\\d+)$`),
      handler: async (m, _q, _b, res) => {
        if (!(await artifacts.deleteById(Number(m[3])))) throw new RestError(404, "Not Found");
        res.writeHead(204);
        res.end();
      },
    },
    {
      name: "createDispatch",
      verb: "POST",
      pattern: new RegExp(`^${repoPath}/actions/workflows/([^/]+)/dispatches$`),
      handler: (m, _q, body, res) => {
        let parsed: { ref?: unknown; inputs?: unknown; return_run_details?: unknown };
        try {
          parsed = JSON.parse(body.toString("utf8") || "{}");
        } catch {
          throw new RestError(400, "Problems parsing JSON");
        }
        if (typeof parsed.ref !== "string" || parsed.ref === "") throw new RestError(422, "Invalid request: ref is required");
        const inputs = (parsed.inputs ?? {}) as Record<string, unknown>;
        if (typeof inputs !== "object" || Array.isArray(inputs)) throw new RestError(422, "inputs must be an object");
        const workflowId = decodeURIComponent(m[3]!);
        const runId = Math.max(1_000_000, ...runs.keys()) + 1;
        const ref = parsed.ref.startsWith("refs/") ? parsed.ref : `refs/heads/${parsed.ref}`;
        registerRun({
          id: runId,
          runAttempt: 1,
          runBackendId: runBackendIdOf(runId),
          ref,
          workflow: workflowId.replace(/\.ya?ml$/, ""),
          event: "workflow_dispatch",
          status: "queued",
          conclusion: null,
          createdAt: new Date(now()).toISOString(),
        });
        dispatches.push({ atMs: now(), workflowId, ref: parsed.ref, inputs, runId });
        // Newer API versions answer with the run when asked; the default is 204 No Content.
        if (parsed.return_run_details === true) {
          sendJson(res, 200, {
            workflow_run_id: runId,
            run_url: `${url}/repos/${owner}/${repo}/actions/runs/${runId}`,
            html_url: `https://github.com/${owner}/${repo}/actions/runs/${runId}`,
          });
        } else {
          res.writeHead(204);
          res.end();
        }
      },
    },
    {
      name: "getRun",
      verb: "GET",
      pattern: new RegExp(`^${repoPath}/actions/runs/(\\d+)$`),
      handler: (m, _q, _b, res) => {
        const run = runs.get(Number(m[3]));
        if (!run) throw new RestError(404, "Not Found");
        sendJson(res, 200, restRun(run));
      },
    },
  ];

  async function handleRest(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, parsedUrl: URL): Promise<void> {
    const route = restRoutes.find((r) => r.verb === req.method && r.pattern.test(parsedUrl.pathname));
    const body = await readBody(req);
    entry.route = route ? `rest.${route.name}` : "rest.unknown";
    entry.token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (route && faults.apply(faults.find("rest", route.name, undefined, entry.token), false, req, res, entry)) return;
    try {
      if (!route) throw new RestError(404, "Not Found");
      const match = route.pattern.exec(parsedUrl.pathname)!;
      if (match[1] !== owner || match[2] !== repo) throw new RestError(404, "Not Found");
      await route.handler(match, parsedUrl.searchParams, body, res);
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      entry.error = error.message;
      sendJson(res, error.status, { message: error.message, documentation_url: "https://docs.github.com/rest" });
    }
  }

  const server = createServer((req, res) => {
    const parsedUrl = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: RequestLogEntry = {
      seq: log.length + 1,
      atMs: now(),
      method: req.method ?? "",
      url: req.url ?? "",
      route: "unknown",
      hasAuthorization: req.headers.authorization !== undefined,
    };
    log.push(entry);
    res.on("finish", () => {
      entry.status = res.statusCode;
    });
    const handled = parsedUrl.pathname.startsWith(TWIRP_PREFIX)
      ? handleTwirp(req, res, entry, parsedUrl.pathname)
      : handleRest(req, res, entry, parsedUrl);
    handled.catch((error: unknown) => {
      // A bug in the stand-in: answer 500 with the reason rather than leave the client hanging.
      entry.error = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, error instanceof RestError ? error.status : 500, { code: "internal", msg: entry.error });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    owner,
    repo,
    defaultBranch,

    runnerEnv(opts: RunnerEnvOptions): Record<string, string> {
      const runAttempt = opts.runAttempt ?? 1;
      const ref = opts.ref ?? `refs/heads/${defaultBranch}`;
      const workflow = opts.workflow ?? "resumable-batch";
      const job = opts.job ?? "run";
      const runBackendId = runBackendIdOf(opts.runId);
      // A new job backend id per attempt: a re-run is a new job in the same run.
      const jobBackendId = uuidFrom(`job:${owner}/${repo}:${opts.runId}:${runAttempt}:${job}`);
      attemptByJobBackendId.set(jobBackendId, runAttempt);
      const existing = runs.get(opts.runId);
      registerRun({
        id: opts.runId,
        runAttempt,
        runBackendId,
        ref,
        workflow,
        event: opts.eventName ?? existing?.event ?? "schedule",
        status: "in_progress",
        conclusion: null,
        createdAt: existing?.createdAt ?? new Date(now()).toISOString(),
      });
      let { workspace, runnerTemp } = opts;
      if (workspace === undefined || runnerTemp === undefined) {
        const dir = join(rootDir, `run-${opts.runId}-${runAttempt}-${++dirCount}`);
        workspace ??= join(dir, "workspace");
        runnerTemp ??= join(dir, "temp");
        mkdirSync(workspace, { recursive: true });
        mkdirSync(runnerTemp, { recursive: true });
      }
      return runnerVariables({
        url,
        owner,
        repo,
        defaultBranch,
        runId: opts.runId,
        runAttempt,
        ref,
        workflow,
        job,
        runBackendId,
        jobBackendId,
        workspace,
        runnerTemp,
        eventName: opts.eventName,
        action: opts.action,
      });
    },

    runBackendIdOf,

    restCalls: (token?: string) =>
      log.filter((e) => e.route.startsWith("rest.") && (token === undefined || e.token === token)).map((e) => ({ ...e })),

    injectFault: (rule: FaultRule) => faults.inject(rule),

    clearFaults: () => faults.clear(),

    evictCache: (key?: string) => cache.evict(key),

    expireArtifact: (id: number) => artifacts.expire(id),

    setRunStatus(runId, status, conclusion = null): void {
      const run = runs.get(runId);
      if (!run) throw new Error(`no run ${runId}`);
      run.status = status;
      run.conclusion = conclusion;
    },

    cacheEntries: () => cache.list(),
    artifacts: () => artifacts.list(),
    requests: () => log.map((e) => ({ ...e })),
    dispatches: () => dispatches.map((d) => ({ ...d, inputs: { ...d.inputs } })),
    runs: () => [...runs.values()].map((r) => ({ ...r })),

    async stop(): Promise<void> {
      faults.releaseHung();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

/** What runnerVariables needs: the run, its job and attempt, and where the stand-in listens. */
interface RunnerVariableInputs {
  url: string;
  owner: string;
  repo: string;
  defaultBranch: string;
  runId: number;
  runAttempt: number;
  ref: string;
  workflow: string;
  job: string;
  runBackendId: string;
  jobBackendId: string;
  workspace: string;
  runnerTemp: string;
  eventName?: string;
  action?: string;
}

/** The environment variables a runner gives a step, pointed at the stand-in. */
function runnerVariables(inputs: RunnerVariableInputs): Record<string, string> {
  const { url, owner, repo, defaultBranch, runAttempt, ref, workflow, job, runBackendId, jobBackendId, workspace, runnerTemp } = inputs;
  const refName = ref.replace(/^refs\/(heads|tags)\//, "");
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    ACTIONS_RUNTIME_TOKEN: makeRuntimeToken({ runBackendId, jobBackendId, ref, defaultBranch, runId: inputs.runId }),
    // The runner's value ends with a slash; the clients take the origin of it.
    ACTIONS_RESULTS_URL: `${url}/`,
    ACTIONS_CACHE_SERVICE_V2: "true",
    // Must stay github.com (or unset): any other host makes the clients treat it as GHES.
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: `${owner}/${repo}`,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_RUN_ID: String(inputs.runId),
    GITHUB_RUN_NUMBER: String(inputs.runId),
    GITHUB_RUN_ATTEMPT: String(runAttempt),
    GITHUB_REF: ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: ref.startsWith("refs/tags/") ? "tag" : "branch",
    GITHUB_SHA: "0".repeat(40),
    GITHUB_EVENT_NAME: inputs.eventName ?? "schedule",
    GITHUB_WORKFLOW: workflow,
    GITHUB_JOB: job,
    GITHUB_ACTION: inputs.action ?? "__run",
    RUNNER_OS: "Linux",
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    // The Azure SDK does not bypass proxies for loopback by itself.
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
}
