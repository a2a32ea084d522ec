import { isSuccessLine, idOfLine, parseLine, viewOf, type OutcomeView, type SegmentHeader } from "./outcome-lines.js";
import { listSegments, readLineBatches } from "./outcome-files.js";

/** One item's result record, as `resumable-batch results` prints it. */
export interface ResultRecord {
  id: string;
  /** Absent when the handler returned none, or results were not kept (--results off). */
  result?: unknown;
  finishedAt: string;
  durationMs: number;
  attempts: number;
  shard?: string;
  pass?: number;
  redone?: true;
}

/**
 * Streams the last success of every item, in the order those successes were recorded:
 * the upsert by id. Two passes over the segments: the first keeps, per id, only the
 * position of its last success (no result payload, no parse of the line); the second
 * parses just those lines. Memory grows with the number of ids, never with the results.
 */
export async function* readResults(stateDir: string, skipped: { lines: number } = { lines: 0 }): AsyncGenerator<ResultRecord[]> {
  yield* readPlannedResults(await planResults(stateDir, skipped), skipped);
}

/** Where each item's last success is: pass one of readResults, kept for a second read (CSV's columns). */
export interface ResultsPlan {
  segments: string[];
  /** Position (1-based, over the segments' non-empty lines) of each id's last success. */
  lastAt: Map<string, number>;
}

export async function planResults(stateDir: string, skipped: { lines: number } = { lines: 0 }): Promise<ResultsPlan> {
  const segments = listSegments(stateDir);
  const lastAt = new Map<string, number>();
  let position = 0;
  for await (const lines of readLineBatches(segments, skipped)) {
    for (const text of lines) {
      if (text.length === 0) continue;
      position++;
      const id = idOfLine(text);
      // A middle line cut short (a compaction interrupted) does not end its object.
      if (id !== undefined && text.charCodeAt(text.length - 1) === 0x7d && isSuccessLine(text)) lastAt.set(id, position);
    }
  }
  return { segments, lastAt };
}

/** Pass two: the planned lines, parsed, in the order they were written. */
export async function* readPlannedResults(plan: ResultsPlan, skipped: { lines: number } = { lines: 0 }): AsyncGenerator<ResultRecord[]> {
  const { segments, lastAt } = plan;
  if (lastAt.size === 0) return;
  let position = 0;
  let header: SegmentHeader | undefined;
  for await (const lines of readLineBatches(segments)) {
    const batch: ResultRecord[] = [];
    for (const text of lines) {
      if (text.length === 0) continue;
      position++;
      if (text.startsWith('{"t":"seg"')) {
        const h = parseLine(text);
        if (h !== undefined && "t" in h) header = h;
        continue;
      }
      const id = idOfLine(text);
      if (id === undefined || lastAt.get(id) !== position) continue;
      const line = parseLine(text);
      if (line === undefined || "t" in line) {
        skipped.lines++;
        continue;
      }
      batch.push(resultOf(viewOf(line, header)));
    }
    if (batch.length > 0) yield batch;
  }
}

function resultOf(view: OutcomeView): ResultRecord {
  const record: ResultRecord = {
    id: view.id,
    ...("result" in view ? { result: view.result } : {}),
    finishedAt: view.finishedAt,
    durationMs: view.durationMs,
    attempts: view.attempts,
  };
  if (view.shard !== undefined) record.shard = view.shard;
  if (view.pass !== undefined) record.pass = view.pass;
  if (view.redone) record.redone = true;
  return record;
}

/** How many items have a result record (a success), without reading the payloads. */
export async function countResults(stateDir: string): Promise<{ items: number; withResult: number }> {
  const last = new Map<string, boolean>();
  for await (const lines of readLineBatches(listSegments(stateDir))) {
    for (const text of lines) {
      const id = idOfLine(text);
      if (id !== undefined && text.charCodeAt(text.length - 1) === 0x7d && isSuccessLine(text)) last.set(id, text.includes(',"r":'));
    }
  }
  let withResult = 0;
  for (const has of last.values()) if (has) withResult++;
  return { items: last.size, withResult };
}
