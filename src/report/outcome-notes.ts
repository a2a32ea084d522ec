import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { countResults, listSegments, summariseDurations } from "../core/index.js";
import type { ResultsNote, RunSummaryInput } from "./markdown.js";
import { exportResults, RESULTS_FILE } from "./results-export.js";

/** Where results can be had, as the adapter words it for its users. */
export interface ResultsWhere {
  markdown: string;
  text: string;
}

/**
 * What the job log adds to a summary and report: the count of results with where to get
 * them, and the durations. Empty when the folder has no job log (a state from before it).
 */
export async function outcomeNotes(stateDir: string, where: ResultsWhere): Promise<Pick<RunSummaryInput, "results" | "durations">> {
  if (listSegments(stateDir).length === 0) return {};
  const counts = await countResults(stateDir);
  const results: ResultsNote = { items: counts.items, withResult: counts.withResult, whereMarkdown: where.markdown, whereText: where.text };
  return { results, durations: await summariseDurations(stateDir) };
}

/** Streams the folder's results into `<dir>/results.jsonl` (or another name); returns how many records. */
export async function writeResultsFile(stateDir: string, dir: string, name = RESULTS_FILE): Promise<number> {
  const file = createWriteStream(join(dir, name));
  await once(file, "open");
  const count = await exportResults(stateDir, "jsonl", file);
  file.end();
  await once(file, "finish");
  return count;
}
