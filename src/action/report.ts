import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type BatchState, errorMessage, mergeShardStates, loadState, writeFileAtomic, type RunRecord, type StopReason } from "../core/index.js";
import { formatCount, markdownCode, markdownText, renderRunSummaryMarkdown, type RunSummaryInput } from "../report/markdown.js";
import { summaryInputFromState } from "../report/summary-input.js";
import { SUMMARY_FILE, writeReports } from "../report/write-reports.js";
import { bounded } from "./bounded.js";
import { readChainFile } from "./chain.js";
import { decideContinue, dispatchContinuation, renderContinueSection, type ContinueOutcome } from "./continue-run.js";
import { workflowRunOf, type ActionHost, type ActionTimeouts, type RunArtifact } from "./host.js";
import { inputName, type ReportInputs } from "./inputs.js";
import { parseShardArtifactName, reportArtifactName } from "./names.js";
import { stateFolderProblem } from "./state-folder.js";
import type { StopLatch } from "./stop-latch.js";

/** Shard artifacts downloaded at once. */
const DOWNLOAD_CONCURRENCY = 4;

export interface ReportRequest {
  host: ActionHost;
  inputs: ReportInputs;
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

interface ShardEntry {
  index: number;
  count: number;
  label: string;
  artifact?: RunArtifact & { runAttempt: number };
  state?: BatchState;
  figures?: ShardFigures;
  chain: number;
  /** Why this shard is not in the report. */
  problem?: string;
}

/**
 * `mode: report`, the last job after a matrix of shards: finds this workflow run's shard
 * state artifacts (every attempt; per shard the newest attempt wins, since a re-run of
 * failed jobs re-runs only some shards), merges them, writes one job summary and uploads
 * one merged artifact (failures.json with each failure's shard, summary.md, report.html).
 * Saves nothing to the cache. A shard without a usable artifact is a loud warning naming
 * it, never a crash. With `continue: dispatch` it is the one job that starts the next run.
 */
export async function runReport(r: ReportRequest): Promise<void> {
  const { host, inputs } = r;
  const { core, env } = host;
  if (inputs.ignored.length > 0) {
    core.warning(`mode: report merges the shards' saved state and runs no items: ${inputs.ignored.map(inputName).join(", ")} ignored`);
  }
  const { runId, runAttempt } = workflowRunOf(env);
  const pattern = `resumable-batch-${inputs.stateKey}-shard-<i>-of-<n>-state-<attempt>`;

  const listed = await bounded(host.system, r.timeouts.artifactListMs, "listing this run's artifacts", () => host.artifacts.listRun());
  if (!listed.ok) {
    core.warning(`${listed.reason}: no shard state could be found, so there is no report`, { title: "resumable-batch: no report" });
    await finishEmpty(r, `Listing this run's artifacts failed (${listed.reason}).`);
    return;
  }
  const picked = pickShardArtifacts(inputs.stateKey, listed.value, runAttempt);
  if (picked.count === undefined) {
    const message = `no shard state artifact (${pattern}) in this workflow run: did the shard jobs run with state-key '${inputs.stateKey}' and shard: i/n, and did they get to save state?`;
    core.warning(message, { title: "resumable-batch: no shards to report" });
    await finishEmpty(r, message);
    return;
  }
  const count = picked.count;
  if (picked.otherCounts.length > 0) {
    core.warning(`this run also holds shard artifacts of ${picked.otherCounts.map((n) => `${n} shards`).join(", ")}; only the newest matrix (${count} shards) is reported`);
  }

  const shards: ShardEntry[] = [];
  for (let index = 1; index <= count; index++) {
    const artifact = picked.byIndex.get(index);
    const label = `${index}/${count}`;
    shards.push(
      artifact
        ? { index, count, label, artifact, chain: 0 }
        : {
            index, count, label, chain: 0,
            problem: `no state artifact ${pattern.replace("<i>", String(index)).replace("<n>", String(count))} in this workflow run (its job failed before the post step saved state, was skipped or cancelled early, or used another state-key)`,
          },
    );
  }
  await forEachLimited(shards.filter((s) => s.artifact), DOWNLOAD_CONCURRENCY, (s) => loadShard(r, s, runId));

  for (const s of shards) {
    if (s.problem) {
      core.warning(`shard ${s.label}: ${s.problem}; its items are not in this report`, { title: `resumable-batch: shard ${s.label} missing from the report` });
    }
  }
  const present = shards.filter((s): s is ShardEntry & { state: BatchState; figures: ShardFigures } => s.state !== undefined && s.figures !== undefined);
  const missing = shards.filter((s) => s.state === undefined);
  const merged = mergeShardStates(present.map((s) => ({ label: s.label, state: s.state })));
  const sum = (pick: (f: ShardFigures) => number) => present.reduce((n, s) => n + pick(s.figures), 0);
  const totals = {
    processed: sum((f) => f.processed),
    succeeded: sum((f) => f.succeeded),
    failed: sum((f) => f.failed),
    remaining: sum((f) => f.remaining),
  };
  const complete = missing.length === 0 && totals.remaining === 0;
  const stopReason = combinedStopReason(present.map((s) => s.figures));

  const input: RunSummaryInput = summaryInputFromState(merged, undefined, {
    title: `resumable-batch — ${inputs.stateKey} (${count} shards)`,
    thisRun: {
      processed: totals.processed,
      succeeded: totals.succeeded,
      failed: totals.failed,
      durationMs: Math.max(0, ...present.map((s) => s.figures.durationMs)),
      stopReason: stopReason ?? "complete",
    },
    totals: {
      total: sum((f) => f.total),
      done: Math.min(merged.done.size, sum((f) => f.total)),
      failed: merged.failures.size,
      remaining: sum((f) => f.left),
    },
    stateSource: "shards",
    stateSourceDetail: `${present.length} of ${count} shards`,
    afterTotals: renderShardsSection(shards),
    retryHint: [
      "Run this workflow by hand with the `retry-failures` input ticked: each shard re-attempts only its own failed items.",
      `Every failure, with its item, its last error and its shard, is in \`failures.json\` in this run's artifact ${markdownCode(reportArtifactName(inputs.stateKey, runAttempt), 200)}.`,
    ].join("\n\n"),
  });

  let summary: string;
  let artifactLine: string;
  if (r.stops.stopped) {
    summary = renderRunSummaryMarkdown(input);
    artifactLine = `- Report artifact: **not uploaded** — ${markdownText(`${r.stops.signal} received`, 100)}`;
  } else {
    const uploaded = await uploadReport(r, merged, input, runAttempt);
    summary = uploaded.summary;
    artifactLine = uploaded.line;
  }

  let continued = "";
  if (inputs.continueMode === "dispatch") {
    const outcome = await continueAfterReport(r, present, missing, totals, complete, stopReason);
    continued = `\n${renderContinueSection(outcome)}`;
  }
  await writeSummary(host, `${summary}\n### Report saved\n\n${artifactLine}\n${continued}`);

  core.setOutput("processed", String(totals.processed));
  core.setOutput("succeeded", String(totals.succeeded));
  core.setOutput("failed", String(totals.failed));
  core.setOutput("remaining", String(totals.remaining));
  core.setOutput("complete", String(complete));
  core.setOutput("state-source", "artifact");
  core.info(
    `report: ${present.length} of ${count} shard(s) merged: this run ${totals.processed} processed (${totals.succeeded} succeeded, ${totals.failed} failed), ` +
      `${totals.remaining} left${complete ? "; complete" : ""}; ${merged.failures.size} failure(s) held`,
  );
}

/** Per shard, the newest attempt's artifact of the newest matrix size. */
export function pickShardArtifacts(
  stateKey: string,
  artifacts: readonly RunArtifact[],
  runAttempt: number,
): { count?: number; byIndex: Map<number, RunArtifact & { runAttempt: number }>; otherCounts: number[] } {
  const parsed = artifacts.flatMap((a) => {
    const p = parseShardArtifactName(stateKey, a.name);
    return p && p.runAttempt <= runAttempt ? [{ ...a, ...p }] : [];
  });
  if (parsed.length === 0) return { byIndex: new Map(), otherCounts: [] };
  const newest = parsed.reduce((a, b) => (b.id > a.id ? b : a));
  const count = newest.count;
  const byIndex = new Map<number, RunArtifact & { runAttempt: number }>();
  for (const a of parsed) {
    if (a.count !== count) continue;
    const had = byIndex.get(a.index);
    if (!had || a.runAttempt > had.runAttempt || (a.runAttempt === had.runAttempt && a.id > had.id)) {
      byIndex.set(a.index, { id: a.id, name: a.name, digest: a.digest, runAttempt: a.runAttempt });
    }
  }
  const otherCounts = [...new Set(parsed.filter((a) => a.count !== count).map((a) => a.count))].sort((a, b) => a - b);
  return { count, byIndex, otherCounts };
}

/** Downloads and checks one shard's artifact; fills state and figures, or the problem. */
async function loadShard(r: ReportRequest, s: ShardEntry, runId: string): Promise<void> {
  const { host } = r;
  const a = s.artifact!;
  if (r.stops.stopped) {
    s.problem = `not downloaded: ${r.stops.signal} received`;
    return;
  }
  const dir = mkdtempSync(join(r.tempDir, `resumable-batch-report-shard-${s.index}-`));
  const got = await bounded(host.system, r.timeouts.artifactDownloadMs, `downloading ${a.name} (id ${a.id})`, () =>
    host.artifacts.download(a.id, { path: dir, expectedHash: a.digest }),
  );
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
    if (!s.figures.ran) host.core.warning(`shard ${s.label}: its saved state records no run of this workflow run (it was stopped before it ran); its figures are those of an earlier run`);
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
  const lastNormal = [...state.runs].reverse().find((x) => x.mode === "run" && x.remaining !== undefined);
  const total = lastNormal?.total ?? state.doneCount + state.failures.size;
  const left = lastNormal?.remaining ?? 0;
  const base = { total, left, done: Math.min(state.doneCount, total), failuresHeld: state.failures.size };
  if (!run) {
    return { ...base, ran: false, mode: undefined, processed: 0, succeeded: 0, failed: 0, remaining: left, stopReason: undefined, durationMs: 0, runAttempt: undefined };
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
 * The matrix's stop reason: a cancel anywhere wins, then a failure-rate stop, then a
 * budget stop with items left; complete only when every shard that ran finished.
 */
function combinedStopReason(figures: ShardFigures[]): StopReason | undefined {
  const ran = figures.filter((f) => f.ran);
  if (ran.some((f) => f.stopReason === "signal" || f.stopReason === undefined)) return "signal";
  if (ran.some((f) => f.stopReason === "failure-rate")) return "failure-rate";
  if (ran.some((f) => f.stopReason === "budget" && f.remaining > 0)) return "budget";
  return ran.length > 0 ? "complete" : undefined;
}

async function continueAfterReport(
  r: ReportRequest,
  present: Array<ShardEntry & { figures: ShardFigures }>,
  missing: ShardEntry[],
  totals: { processed: number; remaining: number },
  complete: boolean,
  stopReason: StopReason | undefined,
): Promise<ContinueOutcome | { dispatched: false; reason: string }> {
  const { core } = r.host;
  const notNow = (reason: string) => {
    core.info(`continue: not starting the workflow again: ${reason}`);
    return { dispatched: false as const, reason };
  };
  if (r.stops.stopped) return notNow(`the report job was cancelled (${r.stops.signal})`);
  if (missing.length > 0) return notNow(`shard(s) ${missing.map((s) => s.label).join(", ")} left no state, so what is left cannot be told`);
  const idle = present.filter((s) => !s.figures.ran);
  if (idle.length > 0) return notNow(`shard(s) ${idle.map((s) => s.label).join(", ")} did not run in this workflow run`);
  const chain = Math.max(0, ...present.map((s) => s.chain));
  const decision = decideContinue({
    continueMode: r.inputs.continueMode,
    maxChain: r.inputs.maxChain,
    chain,
    stopReason,
    processed: totals.processed,
    remaining: totals.remaining,
    complete,
  });
  if (!decision.dispatch) return notNow(decision.reason);
  return dispatchContinuation({ host: r.host, timeouts: r.timeouts, token: r.inputs.githubToken, nextChain: decision.nextChain, maxChain: r.inputs.maxChain });
}

/** Writes failures.json, summary.md and report.html and uploads them as the report artifact. */
async function uploadReport(r: ReportRequest, merged: BatchState, input: RunSummaryInput, runAttempt: number): Promise<{ summary: string; line: string }> {
  const { host, inputs } = r;
  const name = reportArtifactName(inputs.stateKey, runAttempt);
  const dir = mkdtempSync(join(r.tempDir, "resumable-batch-report-"));
  let summary: string;
  try {
    summary = writeReports(dir, merged, input, new Date(host.system.nowMs()).toISOString()).summaryMarkdown;
    writeFileAtomic(join(dir, SUMMARY_FILE), summary);
  } catch (error) {
    host.core.warning(`could not write the report files: ${errorMessage(error)}`);
    return { summary: renderRunSummaryMarkdown(input), line: `- Report artifact: **not uploaded** — ${markdownText(errorMessage(error), 300)}` };
  }
  const files = readdirSync(dir).map((f) => join(dir, f));
  const got = await bounded(host.system, r.timeouts.artifactUploadMs, "report artifact upload", () =>
    host.artifacts.upload(name, files, dir, { retentionDays: inputs.artifactRetentionDays }),
  );
  if (!got.ok) {
    host.core.warning(`the merged report was not uploaded (${got.reason}); each shard's own artifact still holds its failures.json`, { title: "resumable-batch: no report artifact" });
    return { summary, line: `- Report artifact: **not uploaded** — ${markdownText(got.reason, 300)}` };
  }
  host.core.info(`merged report uploaded as artifact ${name}`);
  return { summary, line: `- Report artifact: uploaded as ${markdownCode(name, 300)} (failures.json with each failure's shard, summary.md, report.html), kept ${inputs.artifactRetentionDays} day(s)` };
}

/** The per-shard table (and the loud block for missing shards), shown under the totals. */
export function renderShardsSection(shards: readonly ShardEntry[]): string {
  const lines: string[] = [];
  const missing = shards.filter((s) => s.state === undefined);
  if (missing.length > 0) {
    lines.push("> [!WARNING]", `> **${formatCount(missing.length)} of ${formatCount(shards.length)} shard(s) missing from this report:** their items are not counted below.`);
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
    const stopped = !f.ran ? "did not run" : f.stopReason ?? "did not finish";
    lines.push(
      `| ${markdownText(s.label, 20)} | ${formatCount(f.processed)} | ${formatCount(f.succeeded)} | ${formatCount(f.failed)} | ${formatCount(f.remaining)} | ${formatCount(
        f.failuresHeld,
      )} | ${formatCount(f.done)} / ${formatCount(f.total)} | ${markdownText(stopped + (f.mode === "retry-failures" ? " (retry-failures)" : ""), 60)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Outputs and a summary when there is nothing to merge. */
async function finishEmpty(r: ReportRequest, why: string): Promise<void> {
  const { core } = r.host;
  for (const name of ["processed", "succeeded", "failed"]) core.setOutput(name, "0");
  core.setOutput("remaining", "");
  core.setOutput("complete", "false");
  core.setOutput("state-source", "fresh");
  const text = [`## resumable-batch — ${markdownText(r.inputs.stateKey, 100)} (report)`, "", "> [!WARNING]", `> **No report:** ${markdownText(why, 1000)}`, ""].join("\n");
  await writeSummary(r.host, text);
}

async function writeSummary(host: ActionHost, markdown: string): Promise<void> {
  try {
    await host.core.writeSummary(markdown);
  } catch (error) {
    host.core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
