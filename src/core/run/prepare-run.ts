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

/** Runs one batch from validated settings: the path both the CLI and the action take. */
export async function runFromSettings(settings: RunSettings, e: RunEnvironment): Promise<RunBatchResult> {
  // Handlers and the items command: not the runner's own tokens and URLs, nor the action's inputs.
  const env = handlerEnvironment(e.env);
  const redact = makeRedactor(secretValues(e.env, settings.redactEnv, e.secrets));
  const handler = await createHandler(settings.handler, {
    system: e.system, env, cwd: e.cwd, transientExitCodes: settings.transientExitCodes, killGraceMs: KILL_GRACE_MS,
    nameOf: e.nameOf, log: (message) => e.log.info(message), warn: (message) => e.log.warn(message),
    maxResultBytes: settings.results ? settings.maxResultBytes : undefined,
  });
  let scratch: string | undefined;
  try {
    let source: SourceSpec | undefined;
    // A retry-failures pass takes its items from failures.json: the source is not read.
    const items = settings.retryFailures ? undefined : settings.items;
    if (items?.kind === "file") {
      source = { path: items.path, label: items.path, format: settings.itemsFormat ?? formatForPath(items.path), idField: settings.idField };
    } else if (items?.kind === "command") {
      scratch = mkdtempSync(join(e.tempDir, "resumable-batch-items-"));
      const path = join(scratch, "items");
      await captureCommandOutput(items.command, path, { cwd: e.cwd, env, system: e.system, what: e.nameOf("items-command") });
      source = { path, label: "items-command output line", format: settings.itemsFormat ?? "jsonl", idField: settings.idField };
    }
    if (source && items?.kind === "file") await assertReadable(source.path, e.nameOf("items"));
    const limiter = new RateLimiter(e.system, settings.rateLimit);
    const shard = settings.shard;
    // Read before any work: a missing ids file is bad usage (exit 2), nothing processed.
    const retryFilter = settings.retryFilter === undefined ? undefined
      : await retryFilterPredicate(settings.retryFilter.by === "ids" ? { by: "ids", file: resolve(e.cwd, settings.retryFilter.file) } : settings.retryFilter, e.nameOf("retry-filter"));
    const redoIds = settings.redoIdsFile === undefined ? undefined : await readIdList(resolve(e.cwd, settings.redoIdsFile), e.nameOf("redo-ids"));
    const options: RunBatchOptions = {
      stateDir: e.stateDir,
      source,
      handler,
      redact,
      concurrency: settings.concurrency,
      maxAttempts: settings.maxAttempts,
      backoff: { baseMs: settings.backoffMs, maxMs: settings.backoffMaxMs },
      itemTimeoutMs: settings.itemTimeoutMs,
      timeBudgetMs: settings.timeBudgetMs,
      shutdownGraceMs: settings.shutdownGraceMs,
      reserveMs: e.reserveMs,
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
      retryFilter,
      redoIds,
      runId: e.runId,
      runAttempt: e.runAttempt,
      idempotencyNamespace: e.idempotencyNamespace,
      flushIntervalMs: e.flushIntervalMs ?? 200,
      // Always consulted, rate limit or not: a 429 or Retry-After pauses every start.
      beforeStart: (signal) => limiter.acquire(signal),
      onThrottle: (delayMs) => limiter.pauseUntil(e.system.nowMs() + delayMs),
      system: e.system,
      stops: e.stops,
      log: e.log,
      onProgress: e.onProgress,
      progressIntervalMs: e.progressIntervalMs,
    };
    return await runBatch(options);
  } finally {
    await handler.close?.();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

async function assertReadable(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    throw new ConfigError(`${what}: ${path} does not exist`);
  }
  if ((await stat(path)).isDirectory()) throw new ConfigError(`${what}: ${path} is a folder, not a file`);
}
