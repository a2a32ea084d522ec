import { mkdtempSync, rmSync } from "node:fs";
import { access, stat } from "node:fs/promises";
import { ConfigError } from "../platform/errors.js";
import { readIdList, retryFilterPredicate } from "../config/retry-settings.js";
import { join, resolve } from "node:path";
import { captureCommandOutput } from "../input/capture-command.js";
import { createHandler } from "../handlers/create-handler.js";
import { formatForPath, type SourceSpec } from "../input/item-source.js";
import type { Logger } from "../platform/logger.js";
import type { ProgressSnapshot } from "./progress.js";
import { handlerEnvironment, makeRedactor, secretValues } from "../platform/secrets.js";
import { RateLimiter } from "./rate-limiter.js";
import { runBatch, type RunBatchOptions, type RunBatchResult } from "./run-batch.js";
import type { RunSettings, SettingName } from "../config/settings.js";
import { shardOf } from "../input/shard.js";
import type { StopSource } from "./stop-controller.js";
import type { System } from "../platform/system.js";

/** What an adapter knows that the settings do not: where, who, and how to talk. */
export interface RunEnvironment {
  stateDir: string;
  /** A scratch folder outside the state (a command's captured items go here). */
  tempDir: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Secret values to redact besides those named by the settings (the action's github-token). */
  secrets?: string[];
  system: System;
  stops: StopSource;
  log: Logger;
  runId: string;
  runAttempt: number;
  /** Keeps idempotency keys of different batches apart (the action's state key). */
  idempotencyNamespace: string;
  /** Budget kept for stopping and saving after the last item. */
  reserveMs: number;
  nameOf: (key: SettingName) => string;
  onProgress?: (progress: ProgressSnapshot) => void;
  progressIntervalMs?: number;
  /** Journal flush interval: the most completions a SIGKILL can lose. */
  flushIntervalMs?: number;
}

/** Grace between SIGTERM and SIGKILL for a handler's process group. */
const KILL_GRACE_MS = 1000;

/** Journal flush interval when the adapter names none: the most completions a SIGKILL can lose. */
const DEFAULT_FLUSH_INTERVAL_MS = 200;

/** Runs one batch from validated settings: the path both the CLI and the action take. */
export async function runFromSettings(settings: RunSettings, environment: RunEnvironment): Promise<RunBatchResult> {
  // Handlers and the items command: not the runner's own tokens and URLs, nor the action's inputs.
  const env = handlerEnvironment(environment.env);
  const redact = makeRedactor(secretValues(environment.env, settings.redactEnv, environment.secrets));
  const handler = await createHandler(settings.handler, {
    system: environment.system,
    env,
    cwd: environment.cwd,
    transientExitCodes: settings.transientExitCodes,
    killGraceMs: KILL_GRACE_MS,
    nameOf: environment.nameOf,
    log: (message) => environment.log.info(message),
    warn: (message) => environment.log.warn(message),
    maxResultBytes: settings.results ? settings.maxResultBytes : undefined,
  });
  let scratch: string | undefined;
  try {
    const opened = await openItemSource(settings, environment, env);
    scratch = opened.scratch;
    const filters = await readItemFilters(settings, environment);
    return await runBatch(runBatchOptions(settings, environment, { handler, redact, source: opened.source, ...filters }));
  } finally {
    await handler.close?.();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Where this run's items come from: the file, or the output of --items-command captured
 * into a scratch folder (removed after the run). A retry-failures pass takes its items
 * from failures.json (see retryDataSource).
 */
async function openItemSource(
  settings: RunSettings,
  environment: RunEnvironment,
  env: NodeJS.ProcessEnv,
): Promise<{ source?: SourceSpec; scratch?: string }> {
  if (settings.retryFailures) return { source: await retryDataSource(settings) };
  const items = settings.items;
  if (items?.kind === "file") {
    const source = fileSource(items.path, settings);
    await assertReadable(source.path, environment.nameOf("items"));
    return { source };
  }
  if (items?.kind === "command") {
    const scratch = mkdtempSync(join(environment.tempDir, "resumable-batch-items-"));
    const path = join(scratch, "items");
    try {
      await captureCommandOutput(items.command, path, {
        cwd: environment.cwd,
        env,
        system: environment.system,
        what: environment.nameOf("items-command"),
        stops: environment.stops,
      });
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
    return { source: { path, label: "items-command output line", format: settings.itemsFormat ?? "jsonl", idField: settings.idField }, scratch };
  }
  return {};
}

/** The retry filter and the ids to redo, read before any work: a missing ids file is bad usage (exit 2), nothing processed. */
async function readItemFilters(settings: RunSettings, environment: RunEnvironment): Promise<Pick<RunBatchOptions, "retryFilter" | "redoIds">> {
  const { retryFilter: filter, redoIdsFile } = settings;
  const retryFilter =
    filter === undefined
      ? undefined
      : await retryFilterPredicate(
          filter.by === "ids" ? { by: "ids", file: resolve(environment.cwd, filter.file) } : filter,
          environment.nameOf("retry-filter"),
        );
  const redoIds = redoIdsFile === undefined ? undefined : await readIdList(resolve(environment.cwd, redoIdsFile), environment.nameOf("redo-ids"));
  return { retryFilter, redoIds };
}

/** What the run is given besides the settings and the environment. */
type RunParts = Pick<RunBatchOptions, "handler" | "redact" | "source" | "retryFilter" | "redoIds">;

function runBatchOptions(settings: RunSettings, environment: RunEnvironment, parts: RunParts): RunBatchOptions {
  const limiter = new RateLimiter(environment.system, settings.rateLimit);
  const shard = settings.shard;
  return {
    ...parts,
    stateDir: environment.stateDir,
    concurrency: settings.concurrency,
    maxAttempts: settings.maxAttempts,
    backoff: { baseMs: settings.backoffMs, maxMs: settings.backoffMaxMs },
    itemTimeoutMs: settings.itemTimeoutMs,
    timeBudgetMs: settings.timeBudgetMs,
    shutdownGraceMs: settings.shutdownGraceMs,
    reserveMs: environment.reserveMs,
    retryFailures: settings.retryFailures,
    repeatMs: settings.repeatMs,
    newPass: settings.newPass,
    reprocessChanged: settings.reprocessChanged,
    versionField: settings.versionField,
    maxRunsPerItem: settings.maxRunsPerItem,
    maxFailureRate: settings.maxFailureRate,
    maxConsecutiveFailures: settings.maxConsecutiveFailures,
    accept: shard ? (id) => shardOf(id, shard.count) === shard.index : undefined,
    shardLabel: shard ? `${shard.index}/${shard.count}` : undefined,
    handlerKind: settings.handler.kind,
    results: settings.results,
    maxResultBytes: settings.maxResultBytes,
    runId: environment.runId,
    runAttempt: environment.runAttempt,
    idempotencyNamespace: environment.idempotencyNamespace,
    flushIntervalMs: environment.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
    // Always consulted, rate limit or not: a 429 or Retry-After pauses every start.
    beforeStart: (signal) => limiter.acquire(signal),
    onThrottle: (delayMs) => limiter.pauseUntil(environment.system.nowMs() + delayMs),
    system: environment.system,
    stops: environment.stops,
    log: environment.log,
    onProgress: environment.onProgress,
    progressIntervalMs: environment.progressIntervalMs,
  };
}

/**
 * For a retry-failures pass, the items file when there is one to read: it only gives back
 * the data of failures stored without it (an item nested too deeply to write as JSON),
 * found by id. Nothing is required of it: a retry pass needs no item source.
 */
async function retryDataSource(settings: RunSettings): Promise<SourceSpec | undefined> {
  const items = settings.items;
  if (items?.kind !== "file") return undefined;
  const isFile = await stat(items.path).then(
    (s) => s.isFile(),
    () => false,
  );
  return isFile ? fileSource(items.path, settings) : undefined;
}

function fileSource(path: string, settings: RunSettings): SourceSpec {
  return { path, label: path, format: settings.itemsFormat ?? formatForPath(path), idField: settings.idField };
}

async function assertReadable(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new ConfigError(`${what}: ${path} does not exist`);
  }
  if ((await stat(path)).isDirectory()) throw new ConfigError(`${what}: ${path} is a folder, not a file`);
}
