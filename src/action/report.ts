import { mkdtempSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type BatchState, errorMessage, mergeShardStates, nextPassAfter, writeFileAtomic, type StopReason } from "../core/index.js";
import { markdownCode, markdownText, renderRunSummaryMarkdown, type RunSummaryInput } from "../report/markdown.js";
import { summaryInputFromState } from "../report/summary-input.js";
import { SUMMARY_FILE, writeReports } from "../report/write-reports.js";
import { bounded } from "./bounded.js";
import { decideContinue, dispatchContinuation, renderContinueSection, type ContinueOutcome } from "./continue-run.js";
import { workflowRunOf, type ActionHost, type ActionTimeouts } from "./host.js";
import { inputName, type ReportInputs } from "./inputs.js";
import { reportArtifactName } from "./names.js";
import { mergeShardResults } from "../report/shard-results.js";
import { RESULTS_FILE } from "../report/results-export.js";
import { combinedStopReason, forEachLimited, loadShard, renderShardsSection, type ShardEntry, type ShardFigures } from "./report-shards.js";
import { listRunArtifacts, pickShardArtifacts, type ShardArtifactRequest } from "./report-artifacts.js";
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

/**
 * `mode: report`, the last job after a matrix of shards: finds this workflow run's shard
 * state artifacts (every attempt; per shard the newest attempt wins, since a re-run of
 * failed jobs re-runs only some shards), merges them, writes one job summary and uploads
 * one merged artifact (failures.json with each failure's shard, summary.md, report.html).
 * Saves nothing to the cache. A shard without a usable artifact is a loud warning naming
 * it, never a crash. With `continue: dispatch` it is the one job that starts the next run.
 */
export async function runReport(request: ReportRequest): Promise<void> {
  const { host, inputs } = request;
  if (inputs.ignored.length > 0) {
    host.core.warning(`mode: report merges the shards' saved state and runs no items: ${inputs.ignored.map(inputName).join(", ")} ignored`);
  }
  const { runId, runAttempt } = workflowRunOf(host.env);
  const [owner = "", repo = ""] = (host.env.GITHUB_REPOSITORY ?? "").split("/");
  const source: ShardArtifactRequest = { host, timeouts: request.timeouts, token: inputs.githubToken, owner, repo, runId };
  const shards = await findShards(request, source);
  if (!shards) return;
  await forEachLimited(
    shards.filter((s) => s.artifact),
    DOWNLOAD_CONCURRENCY,
    (s) => loadShard(request, source, s, runId),
  );
  for (const s of shards) {
    if (s.problem) {
      host.core.warning(`shard ${s.label}: ${s.problem}; its items are not in this report`, {
        title: `resumable-batch: shard ${s.label} missing from the report`,
      });
    }
  }
  const matrix = mergeMatrix(shards);
  const input = reportSummaryInput(request, matrix, runAttempt);
  const saved = request.stops.stopped
    ? {
        summary: renderRunSummaryMarkdown(input),
        line: `- Report artifact: **not uploaded** — ${markdownText(`${request.stops.signal} received`, 100)}`,
      }
    : await uploadReport(request, matrix, input, runAttempt);
  const continued = inputs.continueMode === "dispatch" ? `\n${renderContinueSection(await continueAfterReport(request, matrix))}` : "";
  await writeSummary(host, `${saved.summary}\n### Report saved\n\n${saved.line}\n${continued}`);
  setReportOutputs(host, matrix);
}

/** The shards of the newest matrix in this workflow run, found or missing; undefined when there is nothing to report (said so). */
async function findShards(request: ReportRequest, source: ShardArtifactRequest): Promise<ShardEntry[] | undefined> {
  const { host, inputs } = request;
  const pattern = `resumable-batch-${inputs.stateKey}-shard-<i>-of-<n>-state-<seq>`;
  const listed = await listRunArtifacts(source);
  if (!listed.ok) {
    host.core.warning(`${listed.reason}: no shard state could be found, so there is no report`, { title: "resumable-batch: no report" });
    await finishEmpty(request, `Listing this run's artifacts failed (${listed.reason}).`);
    return undefined;
  }
  const picked = pickShardArtifacts(inputs.stateKey, listed.value);
  if (picked.count === undefined) {
    const message = `no shard state artifact (${pattern}) in this workflow run: did the shard jobs run with state-key '${inputs.stateKey}' and shard: i/n, and did they get to save state?`;
    host.core.warning(message, { title: "resumable-batch: no shards to report" });
    await finishEmpty(request, message);
    return undefined;
  }
  const count = picked.count;
  if (picked.otherCounts.length > 0) {
    host.core.warning(
      `this run also holds shard artifacts of ${picked.otherCounts.map((n) => `${n} shards`).join(", ")}; only the newest matrix (${count} shards) is reported`,
    );
  }
  const shards: ShardEntry[] = [];
  for (let index = 1; index <= count; index++) {
    const artifact = picked.byIndex.get(index);
    const label = `${index}/${count}`;
    shards.push(
      artifact
        ? { index, count, label, artifact, chain: 0 }
        : {
            index,
            count,
            label,
            chain: 0,
            problem: `no state artifact ${pattern.replace("<i>", String(index)).replace("<n>", String(count))} in this workflow run (its job failed before the post step saved state, was skipped or cancelled early, or used another state-key)`,
          },
    );
  }
  return shards;
}

type PresentShard = ShardEntry & { state: BatchState; figures: ShardFigures };

/** The shards merged into one state, with the matrix's figures for this workflow run. */
interface MergedMatrix {
  shards: ShardEntry[];
  /** Shards in the matrix. */
  count: number;
  present: PresentShard[];
  missing: ShardEntry[];
  merged: BatchState;
  totals: { processed: number; succeeded: number; failed: number; remaining: number };
  /** Of the source, over all runs, summed over the present shards. */
  sum: (pick: (f: ShardFigures) => number) => number;
  complete: boolean;
  stopReason: StopReason | undefined;
}

function mergeMatrix(shards: ShardEntry[]): MergedMatrix {
  const present = shards.filter((s): s is PresentShard => s.state !== undefined && s.figures !== undefined);
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
  return { shards, count: shards.length, present, missing, merged, totals, sum, complete, stopReason };
}

function reportSummaryInput(request: ReportRequest, matrix: MergedMatrix, runAttempt: number): RunSummaryInput {
  const { stateKey } = request.inputs;
  const { present, merged, totals, sum, count } = matrix;
  return summaryInputFromState(merged, undefined, {
    title: `resumable-batch — ${stateKey} (${count} shards)`,
    thisRun: {
      processed: totals.processed,
      succeeded: totals.succeeded,
      failed: totals.failed,
      durationMs: Math.max(0, ...present.map((s) => s.figures.durationMs)),
      stopReason: matrix.stopReason ?? "complete",
    },
    totals: {
      total: sum((f) => f.total),
      done: Math.min(
        merged.done.size,
        sum((f) => f.total),
      ),
      failed: merged.failures.size,
      remaining: sum((f) => f.left),
    },
    stateSource: "shards",
    stateSourceDetail: `${present.length} of ${count} shards`,
    afterTotals: renderShardsSection(matrix.shards),
    retryHint: [
      "Run this workflow by hand with the `retry-failures` input ticked: each shard re-attempts only its own failed items.",
      `Every failure, with its item, its last error and its shard, is in \`failures.json\` in this run's artifact ${markdownCode(reportArtifactName(stateKey, runAttempt), 200)}.`,
    ].join("\n\n"),
  });
}

function setReportOutputs(host: ActionHost, matrix: MergedMatrix): void {
  const { core } = host;
  const { totals, complete } = matrix;
  core.setOutput("processed", String(totals.processed));
  core.setOutput("succeeded", String(totals.succeeded));
  core.setOutput("failed", String(totals.failed));
  core.setOutput("remaining", String(totals.remaining));
  core.setOutput("complete", String(complete));
  core.setOutput("pass", String(matrix.merged.pass));
  core.setOutput("next-pass-after", nextPassAfter(matrix.merged, matrix.merged.repeatMs) ?? "");
  core.setOutput("state-source", "artifact");
  core.info(
    `report: ${matrix.present.length} of ${matrix.count} shard(s) merged: this run ${totals.processed} processed (${totals.succeeded} succeeded, ${totals.failed} failed), ` +
      `${totals.remaining} left${complete ? "; complete" : ""}; ${matrix.merged.failures.size} failure(s) held`,
  );
}

async function continueAfterReport(request: ReportRequest, matrix: MergedMatrix): Promise<ContinueOutcome | { dispatched: false; reason: string }> {
  const { present, missing, totals } = matrix;
  const { core } = request.host;
  const notNow = (reason: string) => {
    core.info(`continue: not starting the workflow again: ${reason}`);
    return { dispatched: false as const, reason };
  };
  if (request.stops.stopped) return notNow(`the report job was cancelled (${request.stops.signal})`);
  if (missing.length > 0) return notNow(`shard(s) ${missing.map((s) => s.label).join(", ")} left no state, so what is left cannot be told`);
  const idle = present.filter((s) => !s.figures.ran);
  if (idle.length > 0) return notNow(`shard(s) ${idle.map((s) => s.label).join(", ")} did not run in this workflow run`);
  const chain = Math.max(0, ...present.map((s) => s.chain));
  const decision = decideContinue({
    continueMode: request.inputs.continueMode,
    maxChain: request.inputs.maxChain,
    chain,
    stopReason: matrix.stopReason,
    processed: totals.processed,
    remaining: totals.remaining,
    complete: matrix.complete,
  });
  if (!decision.dispatch) return notNow(decision.reason);
  return dispatchContinuation({
    host: request.host,
    timeouts: request.timeouts,
    token: request.inputs.githubToken,
    nextChain: decision.nextChain,
    maxChain: request.inputs.maxChain,
  });
}

/** Writes failures.json, summary.md and report.html and uploads them as the report artifact. */
async function uploadReport(
  r: ReportRequest,
  matrix: MergedMatrix,
  input: RunSummaryInput,
  runAttempt: number,
): Promise<{ summary: string; line: string }> {
  const { merged } = matrix;
  const { host, inputs } = r;
  const name = reportArtifactName(inputs.stateKey, runAttempt);
  const dir = mkdtempSync(join(r.tempDir, "resumable-batch-report-"));
  let summary: string;
  try {
    const withResults = {
      ...input,
      ...(await mergeShardResults(
        matrix.present.map((s) => s.outcomes),
        dir,
        {
          markdown: `They are in \`${RESULTS_FILE}\` in the report artifact ${markdownCode(name, 200)}, every shard's results in one file.`,
          text: `They are in ${RESULTS_FILE} in the report artifact ${name}, every shard's results in one file.`,
        },
      )),
    };
    summary = writeReports(dir, merged, withResults, new Date(host.system.nowMs()).toISOString()).summaryMarkdown;
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
    host.core.warning(`the merged report was not uploaded (${got.reason}); each shard's own artifact still holds its failures.json`, {
      title: "resumable-batch: no report artifact",
    });
    return { summary, line: `- Report artifact: **not uploaded** — ${markdownText(got.reason, 300)}` };
  }
  host.core.info(`merged report uploaded as artifact ${name}`);
  return {
    summary,
    line: `- Report artifact: uploaded as ${markdownCode(name, 300)} (failures.json with each failure's shard, summary.md, report.html), kept ${inputs.artifactRetentionDays} day(s)`,
  };
}

/** Outputs and a summary when there is nothing to merge. */
async function finishEmpty(r: ReportRequest, why: string): Promise<void> {
  const { core } = r.host;
  for (const name of ["processed", "succeeded", "failed"]) core.setOutput(name, "0");
  core.setOutput("remaining", "");
  core.setOutput("complete", "false");
  core.setOutput("state-source", "fresh");
  const text = [
    `## resumable-batch — ${markdownText(r.inputs.stateKey, 100)} (report)`,
    "",
    "> [!WARNING]",
    `> **No report:** ${markdownText(why, 1000)}`,
    "",
  ].join("\n");
  await writeSummary(r.host, text);
}

async function writeSummary(host: ActionHost, markdown: string): Promise<void> {
  try {
    await host.core.writeSummary(markdown);
  } catch (error) {
    host.core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}
