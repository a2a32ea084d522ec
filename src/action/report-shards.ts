import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type BatchState, errorMessage, loadState, type RunRecord, type StopReason } from "../core/index.js";
import { formatCount, markdownText } from "../report/markdown.js";
import { readChainFile } from "./chain.js";
import type { ActionHost, ActionTimeouts } from "./host.js";
import { downloadRunArtifact, type ShardArtifact, type ShardArtifactRequest } from "./report-artifacts.js";
import { stateFolderProblem } from "./state-folder.js";
import { keepShardOutcomes, type ShardOutcomes } from "../report/shard-results.js";
import type { StopLatch } from "./stop-latch.js";

/** What downloading a shard's state needs. */
export interface ShardDownload {
  host: ActionHost;
  stops: StopLatch;
  timeouts: ActionTimeouts;
  /** Scratch space outside the workspace (RUNNER_TEMP). */
  tempDir: string;
}

/** What one shard did in this workflow run, as far as its saved state tells. */
export interface ShardFigures {
  /** The shard has a run recorded in this workflow run (any attempt). */
  ran: boolean;
  mode: RunRecord["mode"] | undefined;
  processed: number;
  succeeded: number;
  failed: number;
  /** As the shard's `remaining` output: items its next run would attempt (retry-failures: failures not re-attempted). */
  remaining: number;
  /** Items of the shard's source and those left, as its last normal run recorded them. */
  total: number;
  left: number;
  done: number;
  failuresHeld: number;
  /** Undefined: the shard's run did not record its end (killed), or it did not run. */
  stopReason: StopReason | undefined;
  durationMs: number;
  runAttempt: number | undefined;
}

export interface ShardEntry {
  index: number;
  count: number;
  label: string;
  artifact?: ShardArtifact & { seq: number };
  state?: BatchState;
  figures?: ShardFigures;
  chain: number;
  /** Why this shard is not in the report. */
  problem?: string;
  /** Its results and durations, read from its job log before its folder was removed. */
  outcomes?: ShardOutcomes;
}

/** Downloads and checks one shard's artifact; fills state and figures, or the problem. */
export async function loadShard(r: ShardDownload, source: ShardArtifactRequest, s: ShardEntry, runId: string): Promise<void> {
  const { host } = r;
  const a = s.artifact!;
  if (r.stops.stopped) {
    s.problem = `not downloaded: ${r.stops.signal} received`;
    return;
  }
  const dir = mkdtempSync(join(r.tempDir, `resumable-batch-report-shard-${s.index}-`));
  const got = await downloadRunArtifact(source, a, dir);
  if (!got.ok) {
    s.problem = got.reason;
    return;
  }
  try {
    if (got.value.digestMismatch) {
      s.problem = `artifact ${a.name}: its content does not match its digest`;
      return;
    }
    const problem = stateFolderProblem(dir);
    if (problem) {
      s.problem = `artifact ${a.name} rejected: ${problem}`;
      return;
    }
    const loaded = loadState(dir);
    for (const w of loaded.warnings) host.core.warning(`shard ${s.label}: ${w}`);
    s.state = loaded.state;
    s.figures = shardFigures(loaded.state, runId);
    s.chain = readChainFile(dir)?.chain ?? 0;
    s.outcomes = await keepShardOutcomes(dir, r.tempDir, s.index);
    if (!s.figures.ran)
      host.core.warning(
        `shard ${s.label}: its saved state records no run of this workflow run (it was stopped before it ran); its figures are those of an earlier run`,
      );
  } catch (error) {
    s.problem = `artifact ${a.name} cannot be read: ${errorMessage(error)}`;
    s.state = undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A shard's figures for this workflow run (`runId`), from its state's run records. */
export function shardFigures(state: BatchState, runId: string): ShardFigures {
  const ours = state.runs.filter((run) => run.runId === runId);
  const run = ours[ours.length - 1];
  const lastNormal = state.lastNormalRun();
  const total = lastNormal?.total ?? state.doneCount + state.failures.size;
  const left = lastNormal?.remaining ?? 0;
  const base = { total, left, done: Math.min(state.doneCount, total), failuresHeld: state.failures.size };
  if (!run) {
    return {
      ...base,
      ran: false,
      mode: undefined,
      processed: 0,
      succeeded: 0,
      failed: 0,
      remaining: left,
      stopReason: undefined,
      durationMs: 0,
      runAttempt: undefined,
    };
  }
  let remaining: number;
  if (run.mode === "retry-failures") {
    // Failures this pass did not reach still carry a last failure from before it started.
    const since = Date.parse(run.startedAt);
    remaining = run.stopReason === "complete" ? 0 : [...state.failures.values()].filter((f) => Date.parse(f.lastFailedAt) < since).length;
  } else {
    // No end record (the shard's main was killed): what was left before, less what it did.
    remaining = run.remaining ?? Math.max(0, left - run.succeeded);
  }
  const durationMs = run.endedAt ? Math.max(0, Date.parse(run.endedAt) - Date.parse(run.startedAt)) : 0;
  return {
    ...base,
    ran: true,
    mode: run.mode,
    processed: run.succeeded + run.failed,
    succeeded: run.succeeded,
    failed: run.failed,
    remaining,
    stopReason: run.stopReason,
    durationMs: Number.isFinite(durationMs) ? durationMs : 0,
    runAttempt: run.runAttempt,
  };
}

/**
 * The matrix's stop reason: a cancel anywhere wins, then a broken handler, then a failure-rate stop, then a
 * budget stop with items left; complete only when every shard that ran finished.
 */
export function combinedStopReason(figures: ShardFigures[]): StopReason | undefined {
  const ran = figures.filter((f) => f.ran);
  if (ran.some((f) => f.stopReason === "signal" || f.stopReason === undefined)) return "signal";
  if (ran.some((f) => f.stopReason === "handler-error")) return "handler-error";
  if (ran.some((f) => f.stopReason === "failure-rate")) return "failure-rate";
  if (ran.some((f) => f.stopReason === "budget" && f.remaining > 0)) return "budget";
  return ran.length > 0 ? "complete" : undefined;
}

/** The per-shard table (and the loud block for missing shards), shown under the totals. */
export function renderShardsSection(shards: readonly ShardEntry[]): string {
  const lines: string[] = [];
  const missing = shards.filter((s) => s.state === undefined);
  if (missing.length > 0) {
    lines.push(
      "> [!WARNING]",
      `> **${formatCount(missing.length)} of ${formatCount(shards.length)} shard(s) missing from this report:** their items are not counted below.`,
    );
    for (const s of missing) lines.push(`> - shard ${markdownText(s.label, 20)}: ${markdownText(s.problem ?? "no state", 400)}`);
    lines.push("");
  }
  lines.push("### Shards", "");
  lines.push("| Shard | Processed | Succeeded | Failed | Left | Failures held | Done / total | Stopped |");
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const s of shards) {
    const f = s.figures;
    if (!f) {
      lines.push(`| ${markdownText(s.label, 20)} | – | – | – | – | – | – | **missing** |`);
      continue;
    }
    const stopped = !f.ran ? "did not run" : (f.stopReason ?? "did not finish");
    lines.push(
      `| ${markdownText(s.label, 20)} | ${formatCount(f.processed)} | ${formatCount(f.succeeded)} | ${formatCount(f.failed)} | ${formatCount(f.remaining)} | ${formatCount(
        f.failuresHeld,
      )} | ${formatCount(f.done)} / ${formatCount(f.total)} | ${markdownText(stopped + (f.mode === "retry-failures" ? " (retry-failures)" : ""), 60)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Runs work over items, at most `limit` at once. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
