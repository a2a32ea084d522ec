import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, mergeShardStates, requireState } from "../core/index.js";
import { summaryInputFromState } from "../report/summary-input.js";
import { REPORT_FILE, writeReports } from "../report/write-reports.js";
import type { CliIo } from "./cli-io.js";
import { outcomeNotes } from "../report/outcome-notes.js";
import { RESULTS_FILE } from "../report/results-export.js";
import { keepShardOutcomes, mergeShardResults } from "../report/shard-results.js";

/**
 * `resumable-batch report`: summary.md and report.html for one state folder, or, with
 * --from, for several shards' folders merged into --out.
 */
export async function reportCommand(
  request: { stateDir: string; html?: string | boolean; from?: string[]; out?: string },
  io: CliIo,
): Promise<number> {
  const now = new Date().toISOString();
  if (request.from && request.from.length > 0) {
    if (!request.out) throw new ConfigError("--from needs --out: the folder for the merged report");
    const dirs = request.from.map((dir) => resolve(io.cwd, dir));
    const shards = dirs.map((dir, i) => ({ label: `${i + 1}/${dirs.length}`, state: requireState(dir, "--from").state }));
    const merged = mergeShardStates(shards);
    const outDir = resolve(io.cwd, request.out);
    const notes = await mergeResultsInto(dirs, outDir);
    const input = summaryInputFromState(merged, undefined, { title: `resumable-batch — ${shards.length} shards`, ...notes });
    writeReports(outDir, merged, input, now);
    const files = ["failures.json", "summary.md", REPORT_FILE, ...(notes.results ? [RESULTS_FILE] : [])];
    io.stdout.write(
      `merged ${shards.length} shard(s): ${merged.done.size} done, ${merged.failures.size} failed; wrote ${outDir}/${files.join(", ")}\n`,
    );
    return 0;
  }
  const { state } = requireState(request.stateDir);
  const htmlPath = typeof request.html === "string" ? resolve(io.cwd, request.html) : resolve(request.stateDir, REPORT_FILE);
  // The job log's part: how many results and where, and the duration view.
  const command = `resumable-batch results --state-dir ${request.stateDir}`;
  const notes = await outcomeNotes(request.stateDir, {
    markdown: `Print them with \`${command}\` (\`--format csv\` for a spreadsheet).`,
    text: `Print them with ${command} (--format csv for a spreadsheet).`,
  });
  writeReports(request.stateDir, state, summaryInputFromState(state, undefined, { stateSource: "local", ...notes }), now, htmlPath);
  io.stdout.write(`wrote ${htmlPath} and ${request.stateDir}/summary.md\n`);
  return 0;
}

/** Every shard's results in `<outDir>/results.jsonl` (as the action's merged report has them), with their counts and durations. */
async function mergeResultsInto(shardDirs: string[], outDir: string): Promise<Awaited<ReturnType<typeof mergeShardResults>>> {
  const scratch = mkdtempSync(join(tmpdir(), "resumable-batch-report-"));
  try {
    const kept = [];
    for (const [i, dir] of shardDirs.entries()) kept.push(await keepShardOutcomes(dir, scratch, i + 1));
    mkdirSync(outDir, { recursive: true });
    return await mergeShardResults(kept, outDir, {
      markdown: `They are in \`${RESULTS_FILE}\` beside this summary, every shard's results in one file.`,
      text: `They are in ${RESULTS_FILE} beside this report, every shard's results in one file.`,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
