import {
  ConfigError,
  secretValues,
  StateError,
  StateWriteError,
  StoppedBeforeStartError,
  errorMessage,
  formatDurationMs,
  type Logger,
  runFromSettings,
  type ProgressSnapshot,
  describeRunResult,
  type RunBatchResult,
  loadState,
  type RunEnvironment,
  type RunSettings,
} from "../core/index.js";
import { tempDirOf, timeoutsOf, workflowRunOf, type ActionHost } from "./host.js";
import { chainOfRun, readChainFile, writeChainFile } from "./chain.js";
import { getModeInputs, inputName, type ActionInputs } from "./inputs.js";
import { mainPostState, type RunContext } from "./main-post-state.js";
import { cachePathFor, stateNames, type StateNames } from "./names.js";
import { runReport } from "./report.js";
import { restoreState, type RestoreOutcome } from "./restore-state.js";
import { StopLatch } from "./stop-latch.js";

/**
 * Budget kept after the last item for flushing the journal and compacting the snapshot
 * (a few seconds for millions of items). Saving happens in the post step, outside it.
 */
export const RESERVE_MS = 5_000;
/** A progress line in the log this often. */
export const PROGRESS_INTERVAL_MS = 30_000;
/**
 * The runner sends SIGTERM 7.5 s after SIGINT (docs/ARCHITECTURE.md); a shutdown grace longer than
 * this leaves too little of that for the flush.
 */
const MAX_SAFE_GRACE_MS = 6_000;

/** Every output, set by main (post's outputs are invisible to later steps). */
export const OUTPUT_NAMES = ["processed", "succeeded", "failed", "remaining", "complete", "pass", "next-pass-after", "state-source"] as const;

/**
 * The main step: validate the inputs, restore the newest state, run the batch until it is
 * done, the budget runs low or the runner cancels, and set the outputs. Never throws: a
 * problem fails the step through `setFailed`. The post step saves the state.
 */
export async function runMain(host: ActionHost): Promise<void> {
  const startedAtMs = host.system.nowMs();
  // Listen from the first moment: without a listener Node dies on SIGINT at once.
  const stops = new StopLatch(host.signals);
  try {
    const workspace = host.env.GITHUB_WORKSPACE || process.cwd();
    const modeInputs = getModeInputs(host.core, workspace);
    if (modeInputs.mode === "report") {
      await runReport({ host, inputs: modeInputs, stops, timeouts: timeoutsOf(host), tempDir: tempDirOf(host.env) });
      return;
    }
    await runBatchStep({ host, inputs: modeInputs, stops, workspace, startedAtMs });
  } catch (error) {
    failStep(host.core, error);
  } finally {
    stops.close();
  }
}

/** What the steps of a batch run share. */
interface BatchStep {
  host: ActionHost;
  inputs: ActionInputs;
  stops: StopLatch;
  workspace: string;
  startedAtMs: number;
}

/** `mode: run`: tell post where the state lives, restore it, run the batch, set the outputs. */
async function runBatchStep(step: BatchStep): Promise<void> {
  const { host, inputs, stops } = step;
  maskSecrets(host, inputs);
  warnAboutGrace(host, inputs);
  const { context, names } = describeRun(step);
  const channel = mainPostState(host.core);
  channel.saveContext(context);

  const restored = await restoreUnlessStopped(step, context, names);
  const outcome: RestoreOutcome = restored ?? {
    source: "fresh",
    detail: "stopped before the state was restored",
    seq: 0,
    freshReason: "the run was stopped while restoring",
  };
  channel.saveRestore(outcome);
  host.core.setOutput("state-source", outcome.source);
  if (restored === undefined || stops.stopped) {
    host.core.warning(`${stops.signal} received while restoring state: nothing was run; the next run goes on from the saved state`);
    setOutputsWithoutRun(host, inputs);
    return;
  }
  if (outcome.source === "unavailable") {
    // restoreState said why, loudly; post writes the summary and saves nothing.
    setOutputsWithoutRun(host, inputs);
    return;
  }

  noteChain(host, inputs, context.runId, context.runAttempt);
  const result = await runFromSettings(settingsWithBudgetLeft(step), runEnvironment(step, context));
  channel.saveResult(result);
  setOutputs(host, result);
  judge(host, inputs, result);
}

/** Where this run's state lives and what it is called: what post needs to save it. */
function describeRun(step: BatchStep): { context: RunContext; names: StateNames } {
  const { inputs, workspace } = step;
  const { runId, runAttempt } = workflowRunOf(step.host.env);
  const shard = inputs.settings.shard;
  const names = stateNames(inputs.stateKey, shard, runId, runAttempt);
  const context: RunContext = {
    stateDir: inputs.stateDir,
    cachePath: cachePathFor(workspace, inputs.stateDir),
    cachePrefix: names.cachePrefix,
    cacheKey: names.cacheKey,
    artifactPrefix: names.artifactPrefix,
    artifactRetentionDays: inputs.artifactRetentionDays,
    stateKey: inputs.stateKey,
    shard: shard ? `${shard.index}/${shard.count}` : undefined,
    runId,
    runAttempt,
    retryFailures: inputs.settings.retryFailures,
    continueMode: inputs.continueMode,
    maxChain: inputs.maxChain,
  };
  return { context, names };
}

/** Restores the newest state; undefined when a stop came first. */
async function restoreUnlessStopped(step: BatchStep, context: RunContext, names: StateNames): Promise<RestoreOutcome | undefined> {
  const { host, inputs, stops } = step;
  const [owner = "", repo = ""] = (host.env.GITHUB_REPOSITORY ?? "").split("/");
  const restoring = restoreState({
    host,
    timeouts: timeoutsOf(host),
    stateDir: inputs.stateDir,
    cachePath: context.cachePath,
    names,
    token: inputs.githubToken,
    owner,
    repo,
    branch: branchOf(host.env),
    tempDir: tempDirOf(host.env),
    stopped: () => stops.stopped,
  });
  return Promise.race([restoring, stops.whenStopped.then(() => undefined)]);
}

/** time-budget counts from the start of this step, restore included. */
function settingsWithBudgetLeft(step: BatchStep): RunSettings {
  const { settings } = step.inputs;
  if (settings.timeBudgetMs === undefined) return settings;
  const spentMs = step.host.system.nowMs() - step.startedAtMs;
  return { ...settings, timeBudgetMs: Math.max(1, settings.timeBudgetMs - spentMs) };
}

function runEnvironment(step: BatchStep, context: RunContext): RunEnvironment {
  const { host, inputs } = step;
  return {
    stateDir: inputs.stateDir,
    tempDir: tempDirOf(host.env),
    cwd: step.workspace,
    env: host.env,
    system: host.system,
    stops: step.stops,
    log: actionLogger(host),
    runId: context.runId,
    runAttempt: context.runAttempt,
    idempotencyNamespace: inputs.stateKey,
    // The token may be a personal one given as input: redacted like GITHUB_TOKEN.
    secrets: inputs.githubToken ? [inputs.githubToken] : [],
    reserveMs: RESERVE_MS,
    nameOf: inputName,
    onProgress: (progress) => host.core.info(progressLine(progress)),
    progressIntervalMs: PROGRESS_INTERVAL_MS,
  };
}

/**
 * The runner masks `secrets.*` in the log, but not a token that reached a variable some
 * other way, nor a github-token given as a literal: every value the engine redacts from
 * its records is also masked in the log (`core.setSecret`, the `::add-mask::` command).
 */
function maskSecrets(host: ActionHost, inputs: ActionInputs): void {
  for (const value of secretValues(host.env, inputs.settings.redactEnv, inputs.githubToken ? [inputs.githubToken] : [])) host.core.setSecret(value);
}

/** Maps an error to the step's failure, once: bad input, untrustworthy state, or a bug. */
function failStep(core: ActionHost["core"], error: unknown): void {
  if (error instanceof ConfigError) core.setFailed(error.message);
  else if (error instanceof StateError) core.setFailed(`the state cannot be trusted: ${error.message}`);
  else if (error instanceof StateWriteError) core.setFailed(error.message);
  else if (error instanceof StoppedBeforeStartError) {
    // A cancel while the items were read: like a cancel during restore, nothing ran.
    core.warning(`${error.message}; the next run goes on from the saved state`);
    for (const name of ["processed", "succeeded", "failed"]) core.setOutput(name, "0");
    core.setOutput("complete", "false");
  } else {
    core.setFailed(`resumable-batch failed: ${errorMessage(error)}`);
    if (error instanceof Error && error.stack) core.info(error.stack);
  }
}

/**
 * Writes this run's place in a `continue: dispatch` chain into the state folder (chain.json
 * travels with the state), counting on from the restored record when a chain dispatch
 * started this run, else from 0. Written whatever `continue` says: shards never dispatch,
 * but the report job reads their count.
 */
function noteChain(host: ActionHost, inputs: ActionInputs, runId: string, runAttempt: number): void {
  const previous = readChainFile(inputs.stateDir);
  const chain = chainOfRun(host.env, previous);
  writeChainFile(inputs.stateDir, { chain, runId, runAttempt, continued: false });
  if (chain > 0) {
    host.core.info(`continue: this is run ${chain} of a chain of runs that started each other (${inputName("max-chain")} is ${inputs.maxChain})`);
  } else if (previous && previous.chain > 0) {
    host.core.info(
      `continue: not started by a chain dispatch (${host.env.GITHUB_EVENT_NAME ?? "unknown event"} by ${host.env.GITHUB_ACTOR ?? "unknown"}): the chain count starts again at 0`,
    );
  }
}

/** Decides the step's colour: the budget and item failures are green unless asked otherwise. */
function judge(host: ActionHost, inputs: ActionInputs, r: RunBatchResult): void {
  const { core } = host;
  core.info(describeRunResult(r));
  switch (r.stopReason) {
    case "budget":
      core.info(`stopped at the time budget with ${r.remaining} item(s) left; the next run goes on from here`);
      break;
    case "signal":
      core.warning(
        "stopped by a cancel: finished work is recorded, and the post step saves it; items cut off are not failures, the next run takes them",
      );
      break;
    case "failure-rate":
      core.setFailed(
        r.stopMessage ??
          `stopped early: ${r.failed} of ${r.processed} item(s) failed, more than max-failure-rate allows; something upstream looks broken. ` +
            "Fix the cause, then run again (finished work is saved).",
      );
      return;
    case "handler-error":
      core.setFailed(r.stopMessage ?? "the handler could not run; no item was marked failed");
      return;
    case "complete":
      break;
  }
  if (inputs.failOnItemFailure && r.failed > 0) {
    core.setFailed(`${r.failed} item(s) failed in this run (fail-on-item-failure is true); see the job summary and failures.json in the artifact`);
  }
}

function setOutputs(host: ActionHost, r: RunBatchResult): void {
  const { core } = host;
  core.setOutput("processed", String(r.processed));
  core.setOutput("succeeded", String(r.succeeded));
  core.setOutput("failed", String(r.failed));
  core.setOutput("remaining", String(r.remaining));
  core.setOutput("complete", String(r.complete));
  core.setOutput("pass", String(r.pass));
  core.setOutput("next-pass-after", r.nextPassAfter ?? "");
}

/** Outputs when a cancel came before the engine started: nothing processed, not complete. */
function setOutputsWithoutRun(host: ActionHost, inputs: ActionInputs): void {
  let remaining = "";
  try {
    const { state } = loadState(inputs.stateDir);
    host.core.setOutput("pass", String(state.pass));
    const last = state.lastNormalRun();
    if (last?.remaining !== undefined) remaining = String(last.remaining);
  } catch {
    // unknown
  }
  for (const name of ["processed", "succeeded", "failed"]) host.core.setOutput(name, "0");
  host.core.setOutput("remaining", remaining);
  host.core.setOutput("complete", "false");
}

function warnAboutGrace(host: ActionHost, inputs: ActionInputs): void {
  if (inputs.settings.shutdownGraceMs > MAX_SAFE_GRACE_MS) {
    host.core.warning(
      `${inputName("shutdown-grace")} is ${formatDurationMs(inputs.settings.shutdownGraceMs)}: on a cancel the runner sends SIGTERM 7.5s after SIGINT and kills the step 2.5s later, ` +
        `so in-flight items may be cut off before the grace ends (they are not lost: the next run takes them)`,
    );
  }
}

/** The branch whose runs' artifacts this run may restore from. */
export function branchOf(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_HEAD_REF) return env.GITHUB_HEAD_REF;
  const ref = env.GITHUB_REF ?? "";
  if (ref.startsWith("refs/heads/")) return ref.slice("refs/heads/".length);
  return env.GITHUB_REF_TYPE === "branch" && env.GITHUB_REF_NAME ? env.GITHUB_REF_NAME : undefined;
}

function actionLogger(host: ActionHost): Logger {
  return {
    info: (m) => host.core.info(m),
    warn: (m) => host.core.warning(m),
    error: (m) => host.core.error(m),
  };
}

function progressLine(p: ProgressSnapshot): string {
  const finished = p.succeeded + p.failed;
  return `progress: ${finished}/${p.total} (${p.succeeded} ok, ${p.failed} failed), ${p.left} left, ${p.ratePerSec.toFixed(1)} items/s, ETA ${p.etaMs === undefined ? "?" : formatDurationMs(p.etaMs)}`;
}
