import { open } from "node:fs/promises";

/**
 * The job log read as bytes: `results` over a million lines spent most of its time
 * decoding the segments into strings and splitting them, then making a string per id.
 * Here each line is a byte range of one reused buffer, and the members `results` needs
 * are found in place (parseHead); a line the fast reader does not know is handed to the
 * string code as it is, so every line still means what outcome-lines.ts says it means.
 */

/**
 * One read's complete lines: line k is `buf[starts[k], ends[k])` without its newline.
 * Valid until the generator is resumed (the buffer is then reused).
 */
export interface LineChunk {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

const NEWLINE = 0x0a;

/**
 * The non-empty lines of files in order, a chunk per read into one buffer (1 MiB, grown
 * only for a longer line) that is reused. A last line without its newline was torn by a
 * kill: it is left out and counted in `skipped`, as readLineBatches does.
 */
export async function* lineChunks(paths: string[], skipped: { lines: number } = { lines: 0 }): AsyncGenerator<LineChunk> {
  const chunk: LineChunk = { buf: Buffer.allocUnsafe(1 << 20), starts: new Int32Array(1 << 14), ends: new Int32Array(1 << 14), count: 0 };
  for (const path of paths) {
    const file = await open(path, "r");
    try {
      let filled = 0;
      for (;;) {
        if (filled === chunk.buf.length) {
          const bigger = Buffer.allocUnsafe(chunk.buf.length * 2);
          chunk.buf.copy(bigger, 0, 0, filled);
          chunk.buf = bigger;
        }
        const { bytesRead } = await file.read(chunk.buf, filled, chunk.buf.length - filled, null);
        if (bytesRead === 0) break;
        const end = filled + bytesRead;
        const start = splitLines(chunk, filled, end);
        if (chunk.count > 0) yield chunk;
        // The unfinished last line moves to the front only once the chunk's lines are used.
        if (start > 0) chunk.buf.copy(chunk.buf, 0, start, end);
        filled = end - start;
      }
      if (filled > 0) skipped.lines++;
    } finally {
      await file.close();
    }
  }
}

/** Fills the chunk's line ranges up to its last newline before `end`; returns where the rest starts. */
function splitLines(chunk: LineChunk, from: number, end: number): number {
  const { buf } = chunk;
  let start = 0;
  chunk.count = 0;
  for (let nl = buf.indexOf(NEWLINE, from); nl !== -1 && nl < end; nl = buf.indexOf(NEWLINE, nl + 1)) {
    if (nl > start) {
      if (chunk.count === chunk.starts.length) {
        const starts = new Int32Array(chunk.count * 2);
        const ends = new Int32Array(chunk.count * 2);
        starts.set(chunk.starts);
        ends.set(chunk.ends);
        chunk.starts = starts;
        chunk.ends = ends;
      }
      chunk.starts[chunk.count] = start;
      chunk.ends[chunk.count++] = nl;
    }
    start = nl + 1;
  }
  return start;
}

/** What parseHead found; one object reused for every line. */
export class LineHead {
  /** A failure line (it has "k"); only the id is read then. */
  failure = false;
  idStart = 0;
  idEnd = 0;
  at = 0;
  ms = 0;
  msStart = 0;
  msEnd = 0;
  n = 0;
  nStart = 0;
  nEnd = 0;
  /** -1 when the line has no "pass". */
  pass = -1;
  redo = false;
  /** Where the result's JSON starts (it ends before the line's last byte); -1 without one. */
  resultStart = -1;
}

const ID_OPEN = Buffer.from('{"id":"');
const AT = Buffer.from(',"at":');
const MS = Buffer.from(',"ms":');
const N = Buffer.from(',"n":');
const KIND = Buffer.from(',"k":');
const REDO = Buffer.from(',"redo":1');
const PASS = Buffer.from(',"pass":');
const RESULT = Buffer.from(',"r":');

function startsWith(buf: Buffer, i: number, end: number, lit: Buffer): boolean {
  if (i + lit.length > end) return false;
  for (let k = 0; k < lit.length; k++) if (buf[i + k] !== lit[k]) return false;
  return true;
}

/** True when `buf[start, end)` starts like an outcome line (`{"id":"`). */
export function isOutcomeLine(buf: Buffer, start: number, end: number): boolean {
  return startsWith(buf, start, end, ID_OPEN);
}

let digitsValue = 0;

/**
 * The end of the decimal integer at `i` (its value in digitsValue), or -1 unless it is one
 * JSON.parse and String give back unchanged: no sign, no leading zero, at most 15 digits.
 */
function digitsEnd(buf: Buffer, i: number, end: number): number {
  let value = 0;
  let k = i;
  while (k < end && k - i < 16) {
    const c = buf[k]!;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    k++;
  }
  if (k === i || k - i > 15 || (buf[i] === 0x30 && k - i > 1)) return -1;
  digitsValue = value;
  return k;
}

/**
 * Reads the head of an outcome line as successLine and failureLine write it: id (without
 * escapes), at, ms, n, then redo/pass, and the result or the failure's kind. False when
 * the line is anything else (an escaped id, a member out of that order, a torn line):
 * the caller then reads it as a string with parseLine.
 */
export function parseHead(buf: Buffer, start: number, end: number, h: LineHead): boolean {
  if (end - start < 9 || buf[end - 1] !== 0x7d || !startsWith(buf, start, end, ID_OPEN)) return false;
  let i = start + ID_OPEN.length;
  h.idStart = i;
  while (i < end && buf[i] !== 0x22) {
    if (buf[i] === 0x5c) return false;
    i++;
  }
  h.idEnd = i;
  i++;
  if (!startsWith(buf, i, end, AT) || (i = digitsEnd(buf, i + AT.length, end)) === -1) return false;
  h.at = digitsValue;
  if (!startsWith(buf, i, end, MS)) return false;
  h.msStart = i + MS.length;
  if ((i = digitsEnd(buf, h.msStart, end)) === -1) return false;
  h.ms = digitsValue;
  h.msEnd = i;
  if (!startsWith(buf, i, end, N)) return false;
  h.nStart = i + N.length;
  if ((i = digitsEnd(buf, h.nStart, end)) === -1) return false;
  h.n = digitsValue;
  h.nEnd = i;
  h.failure = false;
  h.pass = -1;
  h.redo = false;
  h.resultStart = -1;
  if (startsWith(buf, i, end, KIND)) {
    h.failure = true;
    return true;
  }
  if (startsWith(buf, i, end, REDO)) {
    h.redo = true;
    i += REDO.length;
  }
  if (startsWith(buf, i, end, PASS)) {
    if ((i = digitsEnd(buf, i + PASS.length, end)) === -1) return false;
    h.pass = digitsValue;
  }
  if (startsWith(buf, i, end, RESULT)) {
    h.resultStart = i + RESULT.length;
    return h.resultStart < end - 1;
  }
  return i === end - 1;
}
