import { IdTable } from "./id-table.js";
import { LineHead, lineChunks, parseHead } from "./line-scan.js";
import { isSuccessLine, idOfLine, jsonString, parseKeysLine, parseLine, type SegmentHeader } from "./outcome-lines.js";
import { listSegments } from "./outcome-files.js";

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

/** Which optional members some record has (so CSV knows its columns before its first row). */
export const HAS_SHARD = 1;
export const HAS_PASS = 2;
export const HAS_REDONE = 4;

/** Where each item's last success is: pass one of readResults, kept for the next read. */
export interface ResultsPlan {
  segments: string[];
  /** A bit per position (1-based, over the segments' non-empty lines), set at each id's last success. */
  wanted: Uint8Array;
  /** How many ids have a success. */
  ids: number;
  /**
   * The top-level fields of all object results, and whether there are other results, from
   * the segments' keys lines; undefined when a segment with results has none (a run that
   * was killed), and only reading the results tells.
   */
  keys?: { fields: string[]; plain: boolean };
  /** HAS_SHARD | HAS_PASS | HAS_REDONE over the planned records. */
  present: number;
}

function isWanted(wanted: Uint8Array, position: number): boolean {
  return (wanted[position >>> 3]! & (1 << (position & 7))) !== 0;
}

/** The flags of a record, as rawRecordOf would make it. */
function flagsOf(header: SegmentHeader | undefined, linePass: boolean, redo: boolean): number {
  return (header?.shard !== undefined ? HAS_SHARD : 0) | (linePass || header?.pass !== undefined ? HAS_PASS : 0) | (redo ? HAS_REDONE : 0);
}

/** What a segment's pass one found out besides the ids. */
interface SegmentScan {
  header: SegmentHeader | undefined;
  position: number;
  hasResults: boolean;
  keyed: boolean;
  fields: Set<string>;
  plain: boolean;
}

export async function planResults(stateDir: string, skipped: { lines: number } = { lines: 0 }): Promise<ResultsPlan> {
  const segments = listSegments(stateDir);
  const table = new IdTable();
  const head = new LineHead();
  const scan: SegmentScan = { header: undefined, position: 0, hasResults: false, keyed: false, fields: new Set(), plain: false };
  let keysKnown = true;
  for (const segment of segments) {
    scan.hasResults = false;
    scan.keyed = false;
    for await (const { buf, starts, ends, count } of lineChunks([segment], skipped)) {
      for (let k = 0; k < count; k++) {
        const start = starts[k]!;
        const end = ends[k]!;
        const position = ++scan.position;
        if (parseHead(buf, start, end, head)) {
          if (head.failure) continue;
          table.set(buf, head.idStart, head.idEnd, position, flagsOf(scan.header, head.pass !== -1, head.redo));
          scan.hasResults ||= head.resultStart !== -1;
        } else planTextLine(buf.toString("utf8", start, end), scan, table);
      }
    }
    if (scan.hasResults && !scan.keyed) keysKnown = false;
  }
  const wanted = new Uint8Array((scan.position >>> 3) + 1);
  let present = 0;
  table.forEach((position, flags) => {
    wanted[position >>> 3]! |= 1 << (position & 7);
    present |= flags;
  });
  const keys = keysKnown ? { keys: { fields: [...scan.fields], plain: scan.plain } } : {};
  return { segments, wanted, ids: table.size, present, ...keys };
}

/** Pass one for a line the byte reader leaves to the string code: a header, a keys line, an unusual outcome. */
function planTextLine(text: string, scan: SegmentScan, table: IdTable): void {
  if (text.startsWith('{"t":"seg"')) {
    const h = parseLine(text);
    if (h !== undefined && "t" in h) scan.header = h;
    return;
  }
  const id = idOfLine(text);
  if (id === undefined) {
    const keys = parseKeysLine(text);
    if (keys !== undefined) {
      scan.keyed = true;
      for (const key of keys.keys) scan.fields.add(key);
      scan.plain ||= keys.plain;
    }
    return;
  }
  // A middle line cut short (a compaction interrupted) does not end its object.
  if (text.charCodeAt(text.length - 1) !== 0x7d || !isSuccessLine(text)) return;
  // The id's bytes as the writer spells it (jsonString), the key the byte reader uses.
  const key = Buffer.from(jsonString(id).slice(1, -1), "utf8");
  const record = rawRecordOf(text, scan.header);
  const flags =
    record === undefined
      ? 0
      : (record.shard !== undefined ? HAS_SHARD : 0) | (record.pass !== undefined ? HAS_PASS : 0) | (record.redone ? HAS_REDONE : 0);
  table.set(key, 0, key.length, scan.position, flags);
  scan.hasResults ||= text.includes(',"r":');
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
 * A planned line as pass two meets it: `head` set when the byte reader read it (the line
 * is `buf[start, end)`), else `record`, read by the string code.
 */
export interface PlannedLine {
  buf: Buffer;
  start: number;
  end: number;
  head: LineHead | undefined;
  record: RawResultRecord | undefined;
  header: SegmentHeader | undefined;
}

/**
 * Pass two as bytes: the planned lines, in the order they were written, a chunk at a time
 * (the `PlannedLine` and its buffer are reused: copy what is kept). `visit` is called per
 * planned line; the generator yields after each chunk, so a writer can wait there.
 */
export async function* visitPlannedLines(
  plan: ResultsPlan,
  visit: (line: PlannedLine) => void,
  skipped: { lines: number } = { lines: 0 },
): AsyncGenerator<void> {
  if (plan.ids === 0) return;
  const { wanted } = plan;
  const head = new LineHead();
  const line: PlannedLine = { buf: Buffer.alloc(0), start: 0, end: 0, head: undefined, record: undefined, header: undefined };
  let position = 0;
  for await (const { buf, starts, ends, count } of lineChunks(plan.segments)) {
    line.buf = buf;
    for (let k = 0; k < count; k++) {
      const start = starts[k]!;
      const end = ends[k]!;
      if (!isWanted(wanted, ++position)) {
        if (buf[start + 2] === 0x74 && buf.toString("latin1", start, start + 10) === '{"t":"seg"') {
          const h = parseLine(buf.toString("utf8", start, end));
          if (h !== undefined && "t" in h) line.header = h;
        }
        continue;
      }
      line.start = start;
      line.end = end;
      if (parseHead(buf, start, end, head) && !head.failure) {
        line.head = head;
        line.record = undefined;
      } else {
        line.head = undefined;
        line.record = rawRecordOf(buf.toString("utf8", start, end), line.header);
        if (line.record === undefined) {
          skipped.lines++;
          continue;
        }
      }
      visit(line);
    }
    yield;
  }
}

/** The record of a line the byte reader read (as rawRecordOf would make it from its text). */
export function recordOfHead(line: PlannedLine, head: LineHead): RawResultRecord {
  const { buf, end, header } = line;
  const record: RawResultRecord = {
    id: buf.toString("utf8", head.idStart, head.idEnd),
    ...(head.resultStart === -1 ? {} : { resultJson: buf.toString("utf8", head.resultStart, end - 1) }),
    finishedAt: new Date(head.at + head.ms).toISOString(),
    durationMs: head.ms,
    attempts: head.n,
  };
  if (header?.shard !== undefined) record.shard = header.shard;
  const pass = head.pass !== -1 ? head.pass : header?.pass;
  if (pass !== undefined) record.pass = pass;
  if (head.redo) record.redone = true;
  return record;
}

/** Pass two without parsing the results: records with the result's saved JSON text. */
export async function* readPlannedRawResults(plan: ResultsPlan, skipped: { lines: number } = { lines: 0 }): AsyncGenerator<RawResultRecord[]> {
  let batch: RawResultRecord[] = [];
  const visit = (line: PlannedLine) => batch.push(line.head === undefined ? line.record! : recordOfHead(line, line.head));
  const chunks = visitPlannedLines(plan, visit, skipped);
  while (!(await chunks.next()).done) {
    if (batch.length > 0) yield batch;
    batch = [];
  }
}

export function rawRecordOf(text: string, header: SegmentHeader | undefined): RawResultRecord | undefined {
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
  // The flags hold whether the id's last success has a result.
  const table = new IdTable();
  const head = new LineHead();
  for await (const { buf, starts, ends, count } of lineChunks(listSegments(stateDir))) {
    for (let k = 0; k < count; k++) {
      if (parseHead(buf, starts[k]!, ends[k]!, head)) {
        if (!head.failure) table.set(buf, head.idStart, head.idEnd, 0, head.resultStart === -1 ? 0 : 1);
        continue;
      }
      const text = buf.toString("utf8", starts[k]!, ends[k]!);
      const id = idOfLine(text);
      if (id === undefined || text.charCodeAt(text.length - 1) !== 0x7d || !isSuccessLine(text)) continue;
      const key = Buffer.from(jsonString(id).slice(1, -1), "utf8");
      table.set(key, 0, key.length, 0, text.includes(',"r":') ? 1 : 0);
    }
  }
  let withResult = 0;
  table.forEach((_, hasResult) => (withResult += hasResult));
  return { items: table.size, withResult };
}
