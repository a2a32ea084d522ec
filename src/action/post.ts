import { type BatchState, errorMessage, loadState } from "../core/index.js";
import { tempDirOf, timeoutsOf, type ActionHost } from "./host.js";
import { annotateFailures, buildSummaryInput, failuresOfRun, renderSaveSection } from "./job-summary.js";
import { mainPostState, type SavingContext } from "./main-post-state.js";
import { stateArtifactName } from "./names.js";
import { markdownText } from "../report/markdown.js";
import type { SickService } from "./restore-state.js";
import { saveState } from "./save-state.js";
import { readChainFile, writeChainFile } from "./chain.js";
import { continueAfterSave, decideRunContinue, type ContinueDecision } from "./continue-run.js";

/**
 * The post step: runs after the job's other steps — also after a failure or a cancel, when
 * the state matters most. Saves the state folder to the cache and to an artifact, annotates
 * this run's failed items and writes the job summary. Never fails the step: a save problem
 * is a warning (the artifact still carries the state when the cache is down), and a main
 * step that died early simply leaves less to do.
 */
export async function runPost(host: ActionHost): Promise<void> {
  const { core, env } = host;
  try {
    if (core.getInput("mode").trim() === "report") {
      core.info(
        "mode: report: the report was written and uploaded by the main step; the shards saved their own state, so there is nothing to save here",
      );
      return;
    }
    const channel = mainPostState(core);
    const ran = channel.context();
    if (!ran) {
      core.info("resumable-batch: the main step stopped before it restored any state (see its log); nothing to save");
      return;
    }
    const restore = channel.restore();
    if (restore?.source === "unavailable") {
      core.info("nothing to save: the main step ran nothing, because the saved state could not be reached");
      await writeSummary(host, renderUnavailable(ran.stateKey, restore.freshReason ?? restore.detail));
      return;
    }
    const result = channel.result();
    if (!result) core.warning("the main step did not finish its run (it failed, or was killed); saving the state it left");

    const state = loadStateToSave(host, ran.stateDir);
    if (!state) return;
    // The artifact is named after the state it carries (names.ts).
    const context: SavingContext = { ...ran, artifactName: stateArtifactName(ran.artifactPrefix, state.origin.seq) };
    if (state.origin.seq === 0) {
      core.info("no state to save: no run has recorded anything yet");
      if (restore?.source === "fresh")
        await writeSummary(host, renderSaveSection(context, { skipped: "Nothing was saved: no run has recorded any state yet." }));
      return;
    }

    const summaryInput = buildSummaryInput(state, context, restore, result, env.GITHUB_WORKFLOW);
    annotateFailures(core, failuresOfRun(state, context.runId, context.runAttempt), context.artifactName);
    const timeouts = timeoutsOf(host);

    const sick = restore?.sick ?? [];
    const decision = decideContinuation(context, result, sick);

    const saved = await saveState({
      host,
      timeouts,
      context,
      sick,
      state,
      summaryInput,
      tempDir: tempDirOf(env),
      nowIso: new Date(host.system.nowMs()).toISOString(),
    });
    const notRun = result
      ? ""
      : "> [!WARNING]\n> The main step did not run the batch to its end (see its log): the figures below are those the state recorded last.\n\n";

    // After the save: the run this starts restores what this one saved.
    const continued =
      context.continueMode === "dispatch"
        ? `\n${await continueAfterSave({ host, timeouts, decision, saved: saved.cache.saved || saved.artifact.saved, token: core.getInput("github-token").trim(), maxChain: context.maxChain })}`
        : "";
    await writeSummary(host, `${notRun}${saved.summaryMarkdown}\n${renderSaveSection(context, saved)}${continued}`);
  } catch (error) {
    core.warning(`resumable-batch post step: ${errorMessage(error)}`);
    if (error instanceof Error && error.stack) core.info(error.stack);
  }
}

/** The state main left, or undefined (said so) when it cannot be read: then nothing is saved. */
function loadStateToSave(host: ActionHost, stateDir: string): BatchState | undefined {
  try {
    return loadState(stateDir).state;
  } catch (error) {
    // Never overwrite a good saved state with one that cannot be read.
    host.core.warning(
      `the state folder ${stateDir} cannot be read (${errorMessage(error)}); it is not saved, the next run restores the last good state`,
      {
        title: "resumable-batch: state not saved",
      },
    );
    return undefined;
  }
}

/**
 * Whether this run starts the workflow again (`continue: dispatch`). Decided before the
 * save, so the saved chain.json says whether this run continued.
 */
function decideContinuation(context: SavingContext, result: Parameters<typeof decideRunContinue>[1], sick: readonly SickService[]): ContinueDecision {
  const chain = readChainFile(context.stateDir);
  // A REST call that timed out in main: the dispatch (REST too) would most likely wait as long.
  const decision: ContinueDecision = sick.includes("rest")
    ? { dispatch: false, reason: "the GitHub REST API did not answer in time in the main step" }
    : decideRunContinue(context, result, chain?.chain ?? 0);
  if (decision.dispatch && chain) writeChainFile(context.stateDir, { ...chain, continued: true });
  return decision;
}

/** The job summary of a run that processed nothing because the saved state was out of reach. */
function renderUnavailable(stateKey: string, reason: string): string {
  return [
    `## resumable-batch — ${markdownText(stateKey, 100)}`,
    "",
    "> [!CAUTION]",
    "> **Nothing was run: the saved state could not be reached.** Starting from scratch would have saved a state that later runs take for the newest, burying the further-along one; so this run processed nothing and saved nothing. The next run goes on from the saved state.",
    `> ${markdownText(reason, 1000)}`,
    "",
  ].join("\n");
}

async function writeSummary(host: ActionHost, markdown: string): Promise<void> {
  try {
    await host.core.writeSummary(markdown);
  } catch (error) {
    // No GITHUB_STEP_SUMMARY (a local run) or a full disk: the artifact has summary.md.
    host.core.warning(`could not write the job summary: ${errorMessage(error)}`);
  }
}
