// In-memory stand-ins for @actions/core, the cache, artifacts and the REST API, so the
// action's main and post steps run in-process against a temp workspace.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FakeSignals } from "./fake-signals.js";
import { realSystem } from "../../src/core/platform/system.js";
import {
  REST_PAGE_SIZE,
  type ActionCore,
  type ActionHost,
  type ArtifactClient,
  type ArtifactFinder,
  type ArtifactPage,
  type CacheClient,
  type RemoteArtifact,
  type RunArtifact,
  type WorkflowDispatcher,
} from "../../src/action/host.js";

export type Files = Record<string, string>;

export function readFolder(dir: string): Files {
  const files: Files = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path, "utf8");
  }
  return files;
}

export function writeFolder(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

export class FakeCore implements ActionCore {
  inputs: Record<string, string> = {};
  outputs: Record<string, string> = {};
  state: Record<string, string> = {};
  failed: string | undefined;
  summary = "";
  logs: Array<{ level: "info" | "warning" | "error" | "notice"; message: string; title?: string }> = [];

  getInput(name: string): string {
    return this.inputs[name] ?? "";
  }
  getBooleanInput(name: string): boolean {
    const v = this.getInput(name);
    if (["true", "True", "TRUE"].includes(v)) return true;
    if (["false", "False", "FALSE"].includes(v)) return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  setFailed(message: string): void {
    this.failed ??= message;
  }
  secrets: string[] = [];
  setSecret(value: string): void {
    this.secrets.push(value);
  }
  info(message: string): void {
    this.logs.push({ level: "info", message });
  }
  warning(message: string, p?: { title?: string }): void {
    this.logs.push({ level: "warning", message, title: p?.title });
  }
  error(message: string, p?: { title?: string }): void {
    this.logs.push({ level: "error", message, title: p?.title });
  }
  notice(message: string, p?: { title?: string }): void {
    this.logs.push({ level: "notice", message, title: p?.title });
  }
  saveState(name: string, value: string): void {
    this.state[name] = value;
  }
  getState(name: string): string {
    return this.state[name] ?? "";
  }
  async writeSummary(markdown: string): Promise<void> {
    this.summary += markdown;
  }
  text(level?: string): string {
    return this.logs
      .filter((l) => !level || l.level === level)
      .map((l) => l.message)
      .join("\n");
  }
}

/** A cache with immutable keys, restored by prefix (newest first), versioned by the path string. */
export class FakeCache implements CacheClient {
  available = true;
  entries: Array<{ key: string; path: string; files: Files }> = [];
  calls: string[] = [];
  /** Replaces save/restore (a hang, -1, a throw). */
  onSave?: () => Promise<number>;
  onRestore?: () => Promise<string | undefined>;

  constructor(private readonly workspace: string) {}

  isAvailable(): boolean {
    return this.available;
  }
  async restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<string | undefined> {
    this.calls.push(`restore ${primaryKey} [${restoreKeys.join(",")}]`);
    if (this.onRestore) return this.onRestore();
    const versioned = this.entries.filter((e) => e.path === paths.join("|"));
    const hit =
      versioned.find((e) => e.key === primaryKey) ?? restoreKeys.map((k) => [...versioned].reverse().find((e) => e.key.startsWith(k))).find(Boolean);
    if (!hit) return undefined;
    writeFolder(resolve(this.workspace, hit.path), hit.files);
    return hit.key;
  }
  async save(paths: string[], key: string): Promise<number> {
    this.calls.push(`save ${key}`);
    if (this.onSave) return this.onSave();
    if (this.entries.some((e) => e.key === key)) return -1;
    this.entries.push({ key, path: paths.join("|"), files: readFolder(resolve(this.workspace, paths[0]!)) });
    return this.entries.length;
  }
  /** Puts an entry as if an earlier run had saved it. */
  put(key: string, path: string, files: Files): void {
    this.entries.push({ key, path, files });
  }
}

export interface StoredArtifact extends RemoteArtifact {
  files: Files;
}

/** Artifacts of all runs, uploaded by name, listed by the REST API newest first. */
export class FakeArtifacts implements ArtifactClient, ArtifactFinder {
  stored: StoredArtifact[] = [];
  uploads: Array<{ name: string; files: string[]; retentionDays: number }> = [];
  downloads: number[] = [];
  listed: string[] = [];
  /** Calls of listRun (this run's artifacts). */
  runListings = 0;
  onListRun?: () => Promise<RunArtifact[]>;
  onUpload?: () => Promise<{ id?: number }>;
  onList?: () => Promise<RemoteArtifact[]>;
  onDownload?: (id: number, path: string) => Promise<{ digestMismatch?: boolean }>;
  private clock = Date.parse("2025-01-01T00:00:00Z");

  constructor(private readonly run: { runId: number; branch: string }) {}

  async upload(name: string, files: string[], rootDirectory: string, options: { retentionDays: number }): Promise<{ id?: number }> {
    this.uploads.push({ name, files: files.map((f) => f.slice(rootDirectory.length + 1)), retentionDays: options.retentionDays });
    if (this.onUpload) return this.onUpload();
    const contents: Files = {};
    for (const f of files) contents[f.slice(rootDirectory.length + 1)] = readFileSync(f, "utf8");
    return { id: this.put(name, contents, { workflowRunId: this.run.runId, headBranch: this.run.branch }).id };
  }
  async download(id: number, options: { path: string; findBy?: unknown }): Promise<{ downloadPath?: string; digestMismatch?: boolean }> {
    this.downloads.push(id);
    if (this.onDownload) return this.onDownload(id, options.path);
    // Without findBy the client reaches only the current run's artifacts.
    const a = this.stored.find((s) => s.id === id && (options.findBy !== undefined || s.workflowRunId === this.run.runId));
    if (!a) throw new Error(`artifact ${id} not found`);
    writeFolder(options.path, a.files);
    return { downloadPath: options.path };
  }
  async listRun(): Promise<RunArtifact[]> {
    this.runListings++;
    if (this.onListRun) return this.onListRun();
    return this.stored.filter((a) => a.workflowRunId === this.run.runId && !a.expired).map((a) => ({ id: a.id, name: a.name, digest: a.digest }));
  }
  /** REST listings, one page a call: `listed` records the name asked for, `*` for none, `run:<id>` for a run's. */
  async list(request: { name?: string; runId?: number; page: number }): Promise<ArtifactPage> {
    this.listed.push(request.runId !== undefined ? `run:${request.runId}${request.name ? `/${request.name}` : ""}` : (request.name ?? "*"));
    if (this.onList) {
      const artifacts = await this.onList();
      return { artifacts, totalCount: artifacts.length };
    }
    // No documented order on the real API: oldest first here, so nothing relies on an order.
    const all = this.stored
      .filter((a) => (request.name === undefined || a.name === request.name) && (request.runId === undefined || a.workflowRunId === request.runId))
      .sort((a, b) => a.id - b.id)
      .map(({ files: _files, ...rest }) => rest);
    return { artifacts: all.slice((request.page - 1) * REST_PAGE_SIZE, request.page * REST_PAGE_SIZE), totalCount: all.length };
  }
  put(name: string, files: Files, extra: Partial<RemoteArtifact> = {}): StoredArtifact {
    this.clock += 60_000;
    const a: StoredArtifact = {
      id: this.stored.length + 1,
      name,
      expired: false,
      createdAt: new Date(this.clock).toISOString(),
      workflowRunId: 1,
      headBranch: "main",
      fromFork: false,
      files,
      ...extra,
    };
    this.stored.push(a);
    return a;
  }
}

/** Records workflow dispatches; `onDispatch` replaces the answer (a hang, a 403). */
export class FakeWorkflows implements WorkflowDispatcher {
  dispatches: Array<{ owner: string; repo: string; workflowId: string; ref: string; inputs: Record<string, string>; token: string }> = [];
  onDispatch?: () => Promise<void>;
  async dispatch(request: Parameters<WorkflowDispatcher["dispatch"]>[0]): Promise<void> {
    const { signal: _signal, ...rest } = request;
    this.dispatches.push(rest);
    if (this.onDispatch) return this.onDispatch();
  }
}

export interface Fixture {
  workspace: string;
  temp: string;
  core: FakeCore;
  cache: FakeCache;
  artifacts: FakeArtifacts;
  workflows: FakeWorkflows;
  signals: FakeSignals;
  host: ActionHost;
  stateDir: string;
  /** The cache path string the action uses for the default state-dir. */
  cachePath: string;
}

/** A fresh workspace, a runner environment for run `runId` on `main`, and fakes. */
export function fixture(o: { runId?: number; runAttempt?: number; inputs?: Record<string, string>; branch?: string } = {}): Fixture {
  const root = mkdtempSync(join(tmpdir(), "rb-action-"));
  const workspace = join(root, "workspace");
  const temp = join(root, "temp");
  mkdirSync(workspace);
  mkdirSync(temp);
  const runId = o.runId ?? 100;
  const core = new FakeCore();
  core.inputs = { "github-token": "t0ken", ...o.inputs };
  const cache = new FakeCache(workspace);
  const artifacts = new FakeArtifacts({ runId, branch: o.branch ?? "main" });
  const signals = new FakeSignals();
  const workflows = new FakeWorkflows();
  const host: ActionHost = {
    core,
    cache,
    artifacts,
    rest: artifacts,
    workflows,
    env: {
      PATH: process.env.PATH,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: String(o.runAttempt ?? 1),
      GITHUB_REPOSITORY: "owner/repo",
      GITHUB_REF: `refs/heads/${o.branch ?? "main"}`,
      GITHUB_WORKFLOW: "Nightly batch",
      GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/nightly.yml@refs/heads/${o.branch ?? "main"}`,
      GITHUB_EVENT_NAME: "schedule",
      GITHUB_ACTOR: "octocat",
    },
    system: realSystem,
    signals,
    timeouts: {
      cacheRestoreMs: 2_000,
      artifactListMs: 2_000,
      artifactDownloadMs: 2_000,
      artifactRestoreMs: 5_000,
      cacheSaveMs: 2_000,
      artifactUploadMs: 2_000,
      dispatchMs: 2_000,
    },
  };
  return {
    workspace,
    temp,
    core,
    cache,
    artifacts,
    workflows,
    signals,
    host,
    stateDir: join(workspace, ".resumable-batch"),
    cachePath: ".resumable-batch/.cache-transfer",
  };
}

/** A promise that never settles: a service that accepted the call and went quiet. */
export const hang = <T>(): Promise<T> => new Promise<T>(() => {});

export { FakeSignals };
