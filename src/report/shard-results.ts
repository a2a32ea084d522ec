import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { DurationSummary } from "../core/index.js";
import type { RunSummaryInput } from "./markdown.js";
import { outcomeNotes, writeResultsFile, type ResultsWhere } from "./outcome-notes.js";
import { RESULTS_FILE } from "./results-export.js";

/** One shard's results and durations, kept past its downloaded folder's removal. */
export interface ShardOutcomes {
  /** The shard's results.jsonl, in scratch space. */
  resultsFile: string;
  notes: Pick<RunSummaryInput, "results" | "durations">;
}

/** Reads a downloaded shard folder's job log before the folder goes: its results to a scratch file, its counts and durations. */
export async function keepShardOutcomes(shardDir: string, tempDir: string, index: number): Promise<ShardOutcomes | undefined> {
  const notes = await outcomeNotes(shardDir, { markdown: "", text: "" });
  if (notes.results === undefined) return undefined;
  const resultsFile = join(tempDir, `resumable-batch-report-results-${index}.jsonl`);
  await writeResultsFile(shardDir, tempDir, `resumable-batch-report-results-${index}.jsonl`);
  return { resultsFile, notes };
}

/**
 * The merged report's results.jsonl: the shards' results one after another. Every item
 * belongs to one shard, so nothing is replaced across shards (as long as the number of
 * shards stays the same, which the README asks for).
 */
export async function mergeShardResults(
  shards: Array<ShardOutcomes | undefined>,
  reportDir: string,
  where: ResultsWhere,
): Promise<Pick<RunSummaryInput, "results" | "durations">> {
  const present = shards.filter((s): s is ShardOutcomes => s !== undefined && existsSync(s.resultsFile));
  if (present.length === 0) return {};
  const out = createWriteStream(join(reportDir, RESULTS_FILE));
  await once(out, "open");
  for (const s of present) await pipeline(createReadStream(s.resultsFile), out, { end: false });
  out.end();
  await once(out, "finish");
  const items = present.reduce((n, s) => n + (s.notes.results?.items ?? 0), 0);
  const withResult = present.reduce((n, s) => n + (s.notes.results?.withResult ?? 0), 0);
  return {
    results: {
      items,
      withResult,
      whereMarkdown: where.markdown,
      whereText: where.text,
    },
    durations: mergeDurations(present.map((s) => s.notes.durations).filter((d): d is DurationSummary => d !== undefined)),
  };
}

function mergeDurations(all: DurationSummary[]): DurationSummary | undefined {
  if (all.length === 0) return undefined;
  const histogram = all[0]!.histogram.map((_, i) => all.reduce((n, d) => n + (d.histogram[i] ?? 0), 0));
  const slowest = all
    .flatMap((d) => d.slowest)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, all[0]!.slowest.length || 10);
  // Medians do not merge; the report shows the histogram instead.
  return { outcomes: all.reduce((n, d) => n + d.outcomes, 0), histogram, slowest, medianMs: undefined };
}
