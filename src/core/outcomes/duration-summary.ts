import { readOutcomes } from "./outcome-files.js";

/** Upper bounds (ms) of the duration histogram's buckets; the last bucket has none. */
export const DURATION_BUCKET_BOUNDS_MS = [10, 100, 1_000, 10_000, 60_000, 600_000] as const;
const SLOWEST_KEPT = 10;

/** The job log's durations for the report: a histogram and the slowest outcomes. */
export interface DurationSummary {
  /** Outcomes in the job log (every run's, failures too). */
  outcomes: number;
  /** Counts per bucket: [< 10 ms, < 100 ms, < 1 s, < 10 s, < 1 min, < 10 min, ≥ 10 min]. */
  histogram: number[];
  /** Slowest first. */
  slowest: Array<{ id: string; durationMs: number; ok: boolean; startedAt: string; attempts: number }>;
  medianMs: number | undefined;
}

/**
 * Reads the whole job log once, keeping only the histogram and the few slowest outcomes,
 * so a million outcomes cost a pass over the files, not their memory. The median comes
 * from the histogram's own finer buckets (powers of 2 ms), close enough for a report.
 */
export async function summariseDurations(stateDir: string): Promise<DurationSummary> {
  const histogram = new Array<number>(DURATION_BUCKET_BOUNDS_MS.length + 1).fill(0);
  const fine = new Array<number>(64).fill(0);
  const slowest: DurationSummary["slowest"] = [];
  let outcomes = 0;
  for await (const batch of readOutcomes(stateDir)) {
    for (const { line } of batch) {
      outcomes++;
      const ms = Math.max(0, line.ms);
      let b = 0;
      while (b < DURATION_BUCKET_BOUNDS_MS.length && ms >= DURATION_BUCKET_BOUNDS_MS[b]!) b++;
      histogram[b]!++;
      fine[Math.min(63, ms < 1 ? 0 : Math.floor(Math.log2(ms)) + 1)]!++;
      if (slowest.length < SLOWEST_KEPT || ms > slowest[slowest.length - 1]!.durationMs) {
        slowest.push({ id: line.id, durationMs: ms, ok: line.k === undefined, startedAt: new Date(line.at).toISOString(), attempts: line.n });
        slowest.sort((a, c) => c.durationMs - a.durationMs);
        if (slowest.length > SLOWEST_KEPT) slowest.pop();
      }
    }
  }
  return { outcomes, histogram, slowest, medianMs: medianOf(fine, outcomes) };
}

/** The upper bound of the power-of-2 bucket holding the middle outcome. */
function medianOf(fine: number[], count: number): number | undefined {
  if (count === 0) return undefined;
  let seen = 0;
  for (let i = 0; i < fine.length; i++) {
    seen += fine[i]!;
    if (seen * 2 >= count) return i === 0 ? 1 : 2 ** i;
  }
  return undefined;
}
