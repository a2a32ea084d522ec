import { closeSync, createReadStream, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseLine, ResultKeys, type OutcomeLine, type SegmentHeader } from "./outcome-lines.js";

/**
 * The job log lives beside the snapshot, not in it: one append-only segment per run,
 * `outcomes-<seq>.jsonl`, so a checkpoint (the snapshot's compaction) never rewrites the
 * outcomes and results already saved, and what a run adds is one new file. Segments are
 * merged into one rarely (more than MAX_SEGMENTS of them), by streaming, never in memory.
 */
export const OUTCOMES_PATTERN = /^outcomes-(\d+)\.jsonl$/;
export const MAX_SEGMENTS = 16;

export function segmentFileName(seq: number): string {
  return `outcomes-${seq}.jsonl`;
}

/** The segment files of a folder, oldest first. */
export function listSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, m: OUTCOMES_PATTERN.exec(name) }))
    .filter((e) => e.m !== null)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
    .map((e) => join(dir, e.name));
}

/**
 * Streams the lines of files in order, in batches (one per read chunk). Every line is
 * written with its newline in the same write, so a last line without one was torn by a
 * kill: it is left out and counted in `skipped`.
 */
export async function* readLineBatches(paths: string[], skipped: { lines: number } = { lines: 0 }): AsyncGenerator<string[]> {
  for (const path of paths) {
    let carry = "";
    for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
      const text = carry + (chunk as string);
      const lines = text.split("\n");
      carry = lines.pop()!;
      if (lines.length > 0) yield lines;
    }
    if (carry.length > 0) skipped.lines++;
  }
}

/** One outcome read back with the header of the segment it is in. */
export interface ReadOutcome {
  line: OutcomeLine;
  header: SegmentHeader | undefined;
}

/** Every outcome of a folder in the order written; unreadable lines are counted, not fatal. */
export async function* readOutcomes(dir: string, skipped: { lines: number } = { lines: 0 }): AsyncGenerator<ReadOutcome[]> {
  let header: SegmentHeader | undefined;
  for await (const lines of readLineBatches(listSegments(dir), skipped)) {
    const batch: ReadOutcome[] = [];
    for (const text of lines) {
      if (text.length === 0) continue;
      const parsed = parseLine(text);
      if (parsed === undefined) {
        if (!text.startsWith('{"t":"keys"')) skipped.lines++;
      } else if ("t" in parsed) header = parsed;
      else batch.push({ line: parsed, header });
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * Merges the segments into the newest one's name when there are more than maxSegments: a
 * stream copy through a temp file, renamed over the newest (atomic), then the older ones
 * are removed. A crash between the two leaves lines twice, which readers tolerate (the
 * last success still wins). Torn lines are dropped on the way.
 */
export async function compactSegments(dir: string, maxSegments = MAX_SEGMENTS): Promise<boolean> {
  const segments = listSegments(dir);
  if (segments.length <= maxSegments) return false;
  const target = segments[segments.length - 1]!;
  const tmp = `${target}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    let pending: string[] = [];
    let pendingChars = 0;
    const flush = () => {
      if (pending.length === 0) return;
      writeSync(fd, pending.join("\n") + "\n");
      pending = [];
      pendingChars = 0;
    };
    // The segments' keys lines are replaced by one of the merged results (some segments,
    // of killed runs, have none), so the merged file's keys cover all it holds.
    const keys = new ResultKeys();
    for await (const lines of readLineBatches(segments)) {
      for (const text of lines) {
        const parsed = text.length === 0 ? undefined : parseLine(text);
        if (parsed === undefined) continue;
        if (!("t" in parsed) && "r" in parsed) keys.add(parsed.r);
        pending.push(text);
        pendingChars += text.length;
        if (pendingChars > 1 << 20) flush();
      }
    }
    pending.push(keys.line().trimEnd());
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
  for (const path of segments.slice(0, -1)) rmSync(path, { force: true });
  return true;
}
