import { isSuccessLine, idOfLine, parseKeysLine, parseLine, type SegmentHeader } from "./outcome-lines.js";
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
  /**
   * The top-level fields of all object results, and whether there are other results, from
   * the segments' keys lines; undefined when a segment with results has none (a run that
   * was killed), and only reading the results tells.
   */
  keys?: { fields: string[]; plain: boolean };
}

export async function planResults(stateDir: string, skipped: { lines: number } = { lines: 0 }): Promise<ResultsPlan> {
  const segments = listSegments(stateDir);
  const lastAt = new Map<string, number>();
  const fields = new Set<string>();
  let plain = false;
  let keysKnown = true;
  let position = 0;
  for (const segment of segments) {
    let hasResults = false;
    let keyed = false;
    for await (const lines of readLineBatches([segment], skipped)) {
      for (const text of lines) {
        if (text.length === 0) continue;
        position++;
        const id = idOfLine(text, true);
        if (id === undefined) {
          const keys = parseKeysLine(text);
          if (keys !== undefined) {
            keyed = true;
            for (const key of keys.keys) fields.add(key);
            plain ||= keys.plain;
          }
          continue;
        }
        // A middle line cut short (a compaction interrupted) does not end its object.
        if (text.charCodeAt(text.length - 1) === 0x7d && isSuccessLine(text)) {
          lastAt.set(id, position);
          hasResults ||= text.includes(',"r":');
        }
      }
    }
    if (hasResults && !keyed) keysKnown = false;
  }
  return { segments, lastAt, ...(keysKnown ? { keys: { fields: [...fields], plain } } : {}) };
}

/** A result record with its result still as the JSON text it was saved as. */
export interface RawResultRecord extends Omit<ResultRecord, "result"> {
  /** The result's JSON text; undefined when there is none. */
  resultJson?: string;
}

/** Pass two: the planned lines, in the order they were written, results parsed. */
export async function* readPlannedResults(plan: ResultsPlan, skipped: { lines: number } = { lines: 0 }): AsyncGenerator<ResultRecord[]> {
  for await (const batch of readPlannedRawResults(plan, skipped)) {
    yield batch.map(({ id, resultJson, ...rest }) => ({
      id,
      ...(resultJson === undefined ? {} : { result: JSON.parse(resultJson) as unknown }),
      ...rest,
    }));
  }
}

/**
 * Pass two without parsing the results: a result is the line's last member, so its text
 * is cut out of the line and only the short head before it is parsed. JSON Lines output
 * then splices the text in as it is, which is most of what a million results cost.
 */
export async function* readPlannedRawResults(plan: ResultsPlan, skipped: { lines: number } = { lines: 0 }): AsyncGenerator<RawResultRecord[]> {
  const { segments, lastAt } = plan;
  if (lastAt.size === 0) return;
  let position = 0;
  let header: SegmentHeader | undefined;
  for await (const lines of readLineBatches(segments)) {
    const batch: RawResultRecord[] = [];
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
      const record = rawRecordOf(text, header);
      if (record === undefined) skipped.lines++;
      else batch.push(record);
    }
    if (batch.length > 0) yield batch;
  }
}

function rawRecordOf(text: string, header: SegmentHeader | undefined): RawResultRecord | undefined {
  // Outside JSON strings a quote is never escaped, so the first ',"r":' is the result member.
  const r = text.indexOf(',"r":');
  const head = parseLine(r === -1 ? text : text.slice(0, r) + "}");
  if (head === undefined || "t" in head) return undefined;
  const record: RawResultRecord = {
    id: head.id,
    ...(r === -1 ? {} : { resultJson: text.slice(r + 5, text.length - 1) }),
    finishedAt: new Date(head.at + head.ms).toISOString(),
    durationMs: head.ms,
    attempts: head.n,
  };
  if (header?.shard !== undefined) record.shard = header.shard;
  const pass = head.pass ?? header?.pass;
  if (pass !== undefined) record.pass = pass;
  if (head.redo) record.redone = true;
  return record;
}

/** How many items have a result record (a success), without reading the payloads. */
export async function countResults(stateDir: string): Promise<{ items: number; withResult: number }> {
  const last = new Map<string, boolean>();
  for await (const lines of readLineBatches(listSegments(stateDir))) {
    for (const text of lines) {
      const id = idOfLine(text, true);
      if (id !== undefined && text.charCodeAt(text.length - 1) === 0x7d && isSuccessLine(text)) last.set(id, text.includes(',"r":'));
    }
  }
  let withResult = 0;
  for (const has of last.values()) if (has) withResult++;
  return { items: last.size, withResult };
}
