import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type BatchState, LOCK_FILE, errorMessage } from "../core/index.js";
import { markdownCode, renderRunSummaryMarkdown, type RunSummaryInput } from "../report/markdown.js";
import { writeReports } from "../report/write-reports.js";
import { outcomeNotes, writeResultsFile } from "../report/outcome-notes.js";
import { RESULTS_FILE } from "../report/results-export.js";
import { bounded } from "./bounded.js";
import type { ActionHost, ActionTimeouts } from "./host.js";
import type { SaveReport } from "./job-summary.js";
import type { SavingContext } from "./main-post-state.js";
import type { SickService } from "./restore-state.js";
import { CACHE_TRANSFER_DIR, stateCacheKey } from "./names.js";
import { copyStateFiles } from "./state-folder.js";

export interface SaveRequest {
  host: ActionHost;
  timeouts: ActionTimeouts;
  context: SavingContext;
  /** Services that timed out in the main step: not called again (issue 13 item 5). */
  sick: readonly SickService[];
  state: BatchState;
  summaryInput: RunSummaryInput;
  /** Scratch space outside the workspace (RUNNER_TEMP): the artifact's folder goes here. */
  tempDir: string;
  nowIso: string;
}

export interface SaveOutcome extends SaveReport {
  /** The run summary as written into the artifact's summary.md. */
  summaryMarkdown: string;
}

/**
 * Carries the state folder to an artifact (state + failures.json + summary.md + report.html),
 * then to the cache (a new key per run and attempt), each bounded by its own timeout. The
 * artifact goes first: it is the copy that always exists and what people review, and a cache
 * that hangs must not hold it up — nor be waited for again when it already timed out in the
 * main step (`sick`: then it is skipped). Nothing here fails the step: every problem is a
 * warning, and since the artifact is written whether or not the cache works, a cache outage
 * loses nothing.
 */
export async function saveState(s: SaveRequest): Promise<SaveOutcome> {
  const { host, context } = s;
  const { core } = host;

  // A main step killed mid-run leaves its lock; a lock must not travel to the next run.
  rmSync(join(context.stateDir, LOCK_FILE), { force: true });

  const artifactDir = mkdtempSync(join(s.tempDir, "resumable-batch-upload-"));
  copyStateFiles(context.stateDir, artifactDir);
  const summaryInput = { ...s.summaryInput, ...(await resultsIntoArtifact(s, artifactDir)) };
  let summaryMarkdown: string;
  try {
    summaryMarkdown = writeReports(artifactDir, s.state, summaryInput, s.nowIso).summaryMarkdown;
  } catch (error) {
    // The reports are for people; the state still travels without them.
    core.warning(`could not write the reports (${errorMessage(error)}); the artifact carries the state alone`);
    summaryMarkdown = renderRunSummaryMarkdown(summaryInput);
  }

  // The cache saves from the same path string restore uses (the transfer folder).
  const transferDir = join(context.stateDir, CACHE_TRANSFER_DIR);
  rmSync(transferDir, { recursive: true, force: true });
  copyStateFiles(context.stateDir, transferDir);

  const artifact = await uploadArtifact(s, artifactDir);
  const cache: SaveReport["cache"] = s.sick.includes("cache")
    ? { saved: false, note: "skipped: the cache did not answer in time in the main step, so this job does not wait for it again" }
    : await saveToCache(s);

  if (cache.saved) core.info(`state #${s.state.origin.seq} saved to the cache as ${cache.key ?? context.cacheKey}`);
  if (artifact.saved)
    core.info(`state #${s.state.origin.seq} uploaded as artifact ${context.artifactName} (kept ${context.artifactRetentionDays} day(s))`);
  if (!cache.saved && artifact.saved) {
    core.warning(
      `the cache did not take this run's state (${cache.note}); the artifact ${context.artifactName} carries it, and the next run restores from there`,
      {
        title: "resumable-batch: state not cached",
      },
    );
  } else if (cache.saved && !artifact.saved) {
    core.warning(
      `the state artifact was not uploaded (${artifact.note}); the cache holds the state, but there is no failures file to download for this run`,
      {
        title: "resumable-batch: no artifact",
      },
    );
  } else if (!cache.saved && !artifact.saved) {
    core.warning(
      `this run's state was saved nowhere (cache: ${cache.note}; artifact: ${artifact.note}). The next run resumes from the last saved state and repeats this run's items.`,
      { title: "resumable-batch: state not saved" },
    );
  }
  return { cache, artifact, summaryMarkdown };
}

/**
 * Every run's artifact carries the results so far (results.jsonl, one record per item, the
 * last success winning); the summary says how many and where they are. A problem here is
 * a warning: the state still travels.
 */
async function resultsIntoArtifact(s: SaveRequest, artifactDir: string): Promise<Partial<RunSummaryInput>> {
  const { context } = s;
  try {
    const notes = await outcomeNotes(context.stateDir, {
      markdown: `They are in \`${RESULTS_FILE}\` in this run's artifact ${markdownCode(context.artifactName, 200)}: download it from the run's page, or \`gh run download ${context.runId} -n ${context.artifactName}\`.`,
      text: `They are in ${RESULTS_FILE} in this run's artifact ${context.artifactName} (gh run download ${context.runId} -n ${context.artifactName}).`,
    });
    if (notes.results !== undefined) await writeResultsFile(context.stateDir, artifactDir);
    return notes;
  } catch (error) {
    s.host.core.warning(`could not write ${RESULTS_FILE} (${errorMessage(error)}); the artifact carries the state without it`);
    return {};
  }
}

async function saveToCache(s: SaveRequest): Promise<SaveReport["cache"]> {
  const { host, context } = s;
  if (!host.cache.isAvailable()) return { saved: false, note: "the cache service is not available here" };
  const save = async (key: string) => ({ key, id: await host.cache.save([context.cachePath], key) });
  const got = await bounded(host.system, s.timeouts.cacheSaveMs, "cache save", async () => {
    const first = await save(context.cacheKey);
    // saveCache logs why and returns -1 for a taken key, a read-only token or a service
    // error. A taken key is the likely one (another job or step of this run attempt with the
    // same state key saved first): this state gets a key of its own, newer under the prefix.
    return first.id !== -1 ? first : await save(stateCacheKey(context.cacheKey, s.state.origin.seq));
  });
  if (!got.ok) return { saved: false, note: got.reason };
  if (got.value.id === -1) return { saved: false, note: "the cache service did not accept it (see the log above)" };
  return { saved: true, key: got.value.key, note: `cache id ${got.value.id}` };
}

async function uploadArtifact(s: SaveRequest, dir: string): Promise<SaveReport["artifact"]> {
  const { host, context } = s;
  const files = readdirSync(dir).map((name) => join(dir, name));
  const got = await bounded(host.system, s.timeouts.artifactUploadMs, "artifact upload", () =>
    host.artifacts.upload(context.artifactName, files, dir, { retentionDays: context.artifactRetentionDays }),
  );
  if (!got.ok) return { saved: false, note: got.reason };
  return { saved: true, note: got.value.id === undefined ? "uploaded" : `artifact id ${got.value.id}` };
}
