import { tmpdir } from "node:os";
import type { StopSource, System } from "../core/index.js";

/**
 * Everything the action needs from GitHub, as small interfaces: the real ones wrap
 * @actions/core, @actions/cache, @actions/artifact and @octokit/rest (real-host.ts); unit
 * tests pass fakes. Nothing here is called at import time.
 */
export interface ActionHost {
  core: ActionCore;
  cache: CacheClient;
  artifacts: ArtifactClient;
  /** The REST API, for earlier runs' artifacts. */
  rest: ArtifactFinder;
  /** The REST API, for starting the workflow again (`continue: dispatch`). */
  workflows: WorkflowDispatcher;
  env: NodeJS.ProcessEnv;
  /** Clock and timers for the engine and for the action's own timeouts. */
  system: System;
  /** SIGINT / SIGTERM of this process. */
  signals: StopSource;
  /** Overrides of DEFAULT_TIMEOUTS (tests). */
  timeouts?: Partial<ActionTimeouts>;
}

export interface AnnotationProperties {
  title?: string;
}

/** The part of @actions/core the action uses. */
export interface ActionCore {
  getInput(name: string): string;
  /** Throws on anything but true/True/TRUE/false/False/FALSE. */
  getBooleanInput(name: string): boolean;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  /** Masks a value in the log from now on (`core.setSecret`, the `::add-mask::` command). */
  setSecret(value: string): void;
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string, properties?: AnnotationProperties): void;
  /** Main → post: `core.saveState` / `core.getState` ("" when never saved). */
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Appends markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
}

/** @actions/cache, as the action uses it. */
export interface CacheClient {
  /** False when the runner gives no cache service (then restore and save are skipped). */
  isAvailable(): boolean;
  /** The matched key, or undefined on a miss; throws when the service failed (real-host.ts tells the two apart). */
  restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<string | undefined>;
  /** The cache id, or -1 when not saved (key taken, service error: the real client logs why). */
  save(paths: string[], key: string): Promise<number>;
}

/** Where another run's artifact lives, for downloading it through the REST API. */
export interface FindBy {
  token: string;
  workflowRunId: number;
  repositoryOwner: string;
  repositoryName: string;
}

/** An artifact of the current workflow run, as the artifact client lists it. */
export interface RunArtifact {
  id: number;
  name: string;
  /** `sha256:<hex>` when the service reports it. */
  digest?: string;
  /** ISO 8601, when the service reports it. */
  createdAt?: string;
}

/** @actions/artifact, as the action uses it. */
export interface ArtifactClient {
  upload(name: string, files: string[], rootDirectory: string, options: { retentionDays: number }): Promise<{ id?: number; size?: number }>;
  /** Without `findBy`: an artifact of the current workflow run (any job of it). */
  download(
    artifactId: number,
    options: { path: string; expectedHash?: string; findBy?: FindBy },
  ): Promise<{ downloadPath?: string; digestMismatch?: boolean }>;
  /** Every artifact of the current workflow run, from all its jobs and attempts (the runtime token; no REST permission needed). */
  listRun(): Promise<RunArtifact[]>;
}

/** An artifact as the REST API lists it. */
export interface RemoteArtifact {
  id: number;
  name: string;
  expired: boolean;
  /** ISO 8601. */
  createdAt: string;
  /** `sha256:<hex>` when the service reports it. */
  digest?: string;
  /** The run that uploaded it. */
  workflowRunId?: number;
  /** Branch of that run (null for runs the API cannot place). */
  headBranch?: string | null;
  /** The run came from a fork (its head repository is not this one). */
  fromFork: boolean;
}

/** One page of a REST artifact listing. */
export interface ArtifactPage {
  artifacts: RemoteArtifact[];
  /** `total_count`: how many match, over all pages. */
  totalCount: number;
}

/** Most entries a REST list page holds (`per_page` at most 100). */
export const REST_PAGE_SIZE = 100;

/**
 * The REST API's artifact listings, one page (REST_PAGE_SIZE entries) a call. Neither has a
 * documented order (docs/ARCHITECTURE.md): callers sort. A spent rate limit throws RateLimitError.
 */
export interface ArtifactFinder {
  /**
   * `GET /repos/{owner}/{repo}/actions/runs/{runId}/artifacts` when `runId` is given, else
   * `GET /repos/{owner}/{repo}/actions/artifacts` (repository-wide: every workflow and branch).
   * `name` filters by exact name.
   */
  list(request: {
    owner: string;
    repo: string;
    name?: string;
    runId?: number;
    page: number;
    token: string;
    signal: AbortSignal;
  }): Promise<ArtifactPage>;
}

/**
 * The REST API refused a call because the token's request budget is spent: 403 or 429 with
 * `x-ratelimit-remaining: 0` or "rate limit" in the message. GITHUB_TOKEN gets 1,000
 * requests an hour per repository (docs/ARCHITECTURE.md, "REST budget";
 * docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 */
export class RateLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RateLimitError";
  }
}

/** `POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches`. */
export interface WorkflowDispatcher {
  dispatch(request: {
    owner: string;
    repo: string;
    /** The workflow's file name, like `nightly.yml`. */
    workflowId: string;
    /** Branch or tag the run uses, like `refs/heads/main`. */
    ref: string;
    inputs: Record<string, string>;
    token: string;
    signal: AbortSignal;
  }): Promise<void>;
}

/** Bounds of every service call (docs/ARCHITECTURE.md: a hung call is never given up by the clients). */
export interface ActionTimeouts {
  /** One cache restore (lookup, download, extract). */
  cacheRestoreMs: number;
  /** One REST listing of artifacts by name. */
  artifactListMs: number;
  /** One artifact download. */
  artifactDownloadMs: number;
  /** The whole artifact side of a restore: listing plus up to MAX_ARTIFACT_TRIES downloads. */
  artifactRestoreMs: number;
  /** One cache save (archive, upload, finalize). */
  cacheSaveMs: number;
  /** One artifact upload. */
  artifactUploadMs: number;
  /** One workflow dispatch (`continue: dispatch`). */
  dispatchMs: number;
}

/**
 * Restore runs before the work and counts against `time-budget`. A state of a million items
 * is about 0.5 MB on the wire (README, Benchmarks): 45 s is ample on a healthy service, and a
 * cache that accepts requests and never answers (the client waits forever, docs/ARCHITECTURE.md)
 * costs at most 45 s in main plus 45 s in post — and once a call timed out the service is
 * treated as sick for the rest of the job (services.ts), so post does not wait again.
 */
export const DEFAULT_TIMEOUTS: ActionTimeouts = {
  cacheRestoreMs: 45_000,
  artifactListMs: 20_000,
  artifactDownloadMs: 60_000,
  artifactRestoreMs: 90_000,
  cacheSaveMs: 45_000,
  artifactUploadMs: 120_000,
  dispatchMs: 20_000,
};

/** The host's timeouts: DEFAULT_TIMEOUTS with the host's overrides. */
export function timeoutsOf(host: ActionHost): ActionTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...host.timeouts };
}

/** This workflow run's id and attempt, as the runner sets them ("local", 1 outside Actions). */
export function workflowRunOf(env: NodeJS.ProcessEnv): { runId: string; runAttempt: number } {
  return { runId: env.GITHUB_RUN_ID || "local", runAttempt: Number(env.GITHUB_RUN_ATTEMPT) || 1 };
}

/** Scratch space outside the workspace: RUNNER_TEMP on a runner, the OS temp folder elsewhere. */
export function tempDirOf(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || tmpdir();
}
