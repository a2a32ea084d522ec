import { resolve } from "node:path";
import { ConfigError, mergeShardStates, requireState } from "../core/index.js";
import { summaryInputFromState } from "../report/summary-input.js";
import { REPORT_FILE, writeReports } from "../report/write-reports.js";
import type { CliIo } from "./cli-io.js";
import { outcomeNotes } from "../report/outcome-notes.js";

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
    const shards = request.from.map((dir, i) => ({ label: `${i + 1}/${request.from!.length}`, state: requireState(resolve(io.cwd, dir)).state }));
    const merged = mergeShardStates(shards);
    const outDir = resolve(io.cwd, request.out);
    const input = summaryInputFromState(merged, undefined, { title: `resumable-batch — ${shards.length} shards` });
    writeReports(outDir, merged, input, now);
    io.stdout.write(
      `merged ${shards.length} shard(s): ${merged.done.size} done, ${merged.failures.size} failed; wrote ${outDir}/failures.json, summary.md, ${REPORT_FILE}\n`,
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
