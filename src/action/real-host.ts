import * as artifactLib from "@actions/artifact";
import * as cacheLib from "@actions/cache";
import * as core from "@actions/core";
import { Octokit } from "@octokit/rest";
import { realSystem, parseDurationMs } from "../core/index.js";
import { processStopSource } from "../shared/process-stop-source.js";
import { neutraliseWorkflowCommands } from "./workflow-commands.js";
import {
  DEFAULT_TIMEOUTS,
  RateLimitError,
  REST_PAGE_SIZE,
  type ActionHost,
  type ActionTimeouts,
  type ArtifactClient,
  type ArtifactFinder,
  type CacheClient,
  type RemoteArtifact,
  type WorkflowDispatcher,
} from "./host.js";

/** The host of a real step: @actions/* and the REST API, this process's signals. */
export function createRealHost(): ActionHost {
  return {
    core: {
      getInput: (name) => core.getInput(name),
      getBooleanInput: (name) => core.getBooleanInput(name),
      setOutput: (name, value) => core.setOutput(name, value),
      setFailed: (message) => core.setFailed(message),
      setSecret: (value) => core.setSecret(value),
      // Log lines carry item ids, errors and handler output: none of it may act as a workflow command.
      info: (message) => core.info(neutraliseWorkflowCommands(message)),
      warning: (message, properties) => core.warning(message, properties),
      error: (message, properties) => core.error(message, properties),
      notice: (message, properties) => core.notice(message, properties),
      saveState: (name, value) => core.saveState(name, value),
      getState: (name) => core.getState(name),
      writeSummary: async (markdown) => {
        await core.summary.addRaw(markdown, true).write();
      },
    },
    cache: realCache(),
    artifacts: realArtifacts(),
    rest: realArtifactFinder(process.env.GITHUB_API_URL || "https://api.github.com"),
    workflows: realWorkflowDispatcher(process.env.GITHUB_API_URL || "https://api.github.com"),
    env: process.env,
    system: realSystem,
    signals: processStopSource(),
    timeouts: timeoutsFromEnv(process.env),
  };
}

function realCache(): CacheClient {
  return {
    // Without the runtime token the client would only log a warning and answer "miss".
    isAvailable: () => cacheLib.isFeatureAvailable() && Boolean(process.env.ACTIONS_RUNTIME_TOKEN),
    restore: restoreTellingFailures,
    save: (paths, key) => cacheLib.saveCache(paths, key),
  };
}

/**
 * restoreCache answers undefined both on a miss and on a failure it only logs as
 * "Failed to restore: …" (@actions/cache lib/cache.js, restoreCacheV2's catch; docs/ARCHITECTURE.md).
 * A failure is not "nothing saved" — a fresh start after it would bury the saved state
 * (issue 13 item 4) — so the log line is watched for while the call runs and turned into
 * an error.
 */
async function restoreTellingFailures(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<string | undefined> {
  let failure: string | undefined;
  const write = process.stdout.write;
  process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const m = /::(?:warning|error)::Failed to restore: ([^\n]*)/.exec(String(chunk));
    // The line is a workflow command: its data escaped (% \r \n as %25 %0D %0A); keep the first line.
    if (m) failure = m[1]!.split(/%0A|%0D/)[0]!.replace(/%25/g, "%");
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stdout.write;
  let key: string | undefined;
  try {
    key = await cacheLib.restoreCache(paths, primaryKey, restoreKeys);
  } finally {
    process.stdout.write = write;
  }
  if (key === undefined && failure !== undefined) throw new Error(`the cache service failed: ${failure}`);
  return key;
}

function realArtifacts(): ArtifactClient {
  let client: artifactLib.ArtifactClient | undefined;
  const get = () => (client ??= new artifactLib.DefaultArtifactClient());
  return {
    upload: (name, files, rootDirectory, options) => get().uploadArtifact(name, files, rootDirectory, options),
    download: (id, options) => get().downloadArtifact(id, options),
    listRun: async () =>
      (await get().listArtifacts()).artifacts.map((a) => ({ id: a.id, name: a.name, digest: a.digest, createdAt: a.createdAt?.toISOString() })),
  };
}

/** A client whose own request log stays quiet: failures surface as exceptions, reported once by us. */
function quietOctokit(token: string, baseUrl: string, signal: AbortSignal): Octokit {
  return new Octokit({ auth: token, baseUrl, request: { signal }, log: { debug() {}, info() {}, warn() {}, error() {} } });
}

function realWorkflowDispatcher(baseUrl: string): WorkflowDispatcher {
  return {
    async dispatch({ owner, repo, workflowId, ref, inputs, token, signal }) {
      await quietOctokit(token, baseUrl, signal).rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: workflowId, ref, inputs });
    },
  };
}

function realArtifactFinder(baseUrl: string): ArtifactFinder {
  return {
    async list({ owner, repo, name, runId, page, token, signal }) {
      const octokit = quietOctokit(token, baseUrl, signal);
      try {
        const { data } =
          runId === undefined
            ? await octokit.rest.actions.listArtifactsForRepo({ owner, repo, name, per_page: REST_PAGE_SIZE, page })
            : await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, name, per_page: REST_PAGE_SIZE, page });
        return { artifacts: data.artifacts.map(toRemoteArtifact), totalCount: data.total_count };
      } catch (error) {
        throw asRateLimit(error) ?? error;
      }
    },
  };
}

type RestArtifact = Awaited<ReturnType<Octokit["rest"]["actions"]["listArtifactsForRepo"]>>["data"]["artifacts"][number];

function toRemoteArtifact(a: RestArtifact): RemoteArtifact {
  const run = a.workflow_run ?? undefined;
  const digest = (a as { digest?: string | null }).digest;
  return {
    id: a.id,
    name: a.name,
    expired: a.expired,
    createdAt: a.created_at ?? "",
    digest: digest ?? undefined,
    workflowRunId: run?.id ?? undefined,
    headBranch: run?.head_branch ?? null,
    fromFork: run?.head_repository_id !== undefined && run.repository_id !== undefined && run.head_repository_id !== run.repository_id,
  };
}

/**
 * A spent request budget: GitHub answers 403 (primary limit) or 429 (secondary limit) with
 * `x-ratelimit-remaining: 0` or a "rate limit" message (docs.github.com/rest/using-the-rest-api/
 * rate-limits-for-the-rest-api). Other 403s (a token without `actions: read`) stay as they are.
 */
function asRateLimit(error: unknown): RateLimitError | undefined {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | number | undefined> } };
  if (e?.status !== 403 && e?.status !== 429) return undefined;
  const remaining = e.response?.headers?.["x-ratelimit-remaining"];
  if (String(remaining) !== "0" && !/rate limit/i.test(e.message ?? "")) return undefined;
  return new RateLimitError(`the GitHub REST API's rate limit is spent (HTTP ${e.status}: ${(e.message ?? "").split("\n")[0]})`);
}

/**
 * `RESUMABLE_BATCH_SERVICE_TIMEOUT` (a duration like 20s) caps every cache and artifact
 * call's timeout: for runners next to a service known to be slow or flaky, and for the
 * end-to-end tests, which make the service hang on purpose.
 */
export function timeoutsFromEnv(env: NodeJS.ProcessEnv): Partial<ActionTimeouts> {
  const text = env.RESUMABLE_BATCH_SERVICE_TIMEOUT?.trim();
  if (!text) return {};
  const capMs = parseDurationMs(text, "RESUMABLE_BATCH_SERVICE_TIMEOUT");
  const capped: Partial<ActionTimeouts> = {};
  for (const [name, ms] of Object.entries(DEFAULT_TIMEOUTS) as Array<[keyof ActionTimeouts, number]>) capped[name] = Math.min(ms, capMs);
  return capped;
}
