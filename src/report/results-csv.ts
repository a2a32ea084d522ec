import type { LineHead, PlannedLine } from "../core/index.js";
import type { ByteWriter } from "./byte-writer.js";

/**
 * The results CSV's rows written from the job log's bytes. Each cell is byte for byte what
 * `csvField(cell(value))` (results-export.ts) writes for the parsed value: the common cell
 * (a string without escapes or a comma, an integer, true/false/null) is copied as it is,
 * any other is parsed and goes through `slowCell`; a result that is not a flat JSON
 * object as JSON.stringify writes it makes `row` return false, and the caller parses it.
 */

/** A string cell's text as csvField(cell(...)) writes it. */
export type SlowCell = (value: unknown) => string;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const APOSTROPHE = 0x27;
// = + - @: a spreadsheet runs a cell starting with one as a formula (csv.ts); a tab or a
// CR cannot start a JSON string's unescaped bytes.
const FORMULA_START = new Uint8Array(128);
for (const c of "=+-@") FORMULA_START[c.charCodeAt(0)] = 1;

const NONE = 0;
const STRING = 1;
const ESCAPED_STRING = 2;
const NUMBER = 3;
const TRUE = 4;
const FALSE = 5;
const NULL = 6;
const NESTED = 7;

export interface CsvLayout {
  /** The result fields flattened into columns, in column order. */
  fields: string[];
  /** Whether there is a `result` column (results that are not objects). */
  resultColumn: boolean;
  shard: boolean;
  pass: boolean;
  redone: boolean;
}

export class CsvRowWriter {
  private readonly keyBytes: Buffer[];
  private readonly keyIndex: Map<string, number>;
  private readonly types: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private finishedMs = -1;
  private finishedIso = "";

  constructor(
    private readonly layout: CsvLayout,
    private readonly slowCell: SlowCell,
  ) {
    this.keyBytes = layout.fields.map((f) => Buffer.from(f, "utf8"));
    this.keyIndex = new Map(layout.fields.map((f, i) => [f, i]));
    this.types = new Uint8Array(layout.fields.length);
    this.starts = new Int32Array(layout.fields.length);
    this.ends = new Int32Array(layout.fields.length);
  }

  /** Writes the row of a line the byte reader read; false (nothing written) when its result needs parsing. */
  row(line: PlannedLine, head: LineHead, w: ByteWriter): boolean {
    const { buf, end, header } = line;
    const { layout } = this;
    const object = head.resultStart !== -1 && buf[head.resultStart] === 0x7b;
    this.types.fill(NONE);
    if (object && !this.scanObject(buf, head.resultStart, end - 1)) return false;
    this.stringCell(buf, head.idStart, head.idEnd, false, w);
    for (let col = 0; col < this.types.length; col++) {
      w.byte(COMMA);
      this.fieldCell(buf, col, w);
    }
    if (layout.resultColumn) {
      w.byte(COMMA);
      if (head.resultStart !== -1 && !object) w.text(this.slowCell(JSON.parse(buf.toString("utf8", head.resultStart, end - 1))));
    }
    w.byte(COMMA);
    const finishedMs = head.at + head.ms;
    if (finishedMs !== this.finishedMs) {
      this.finishedMs = finishedMs;
      this.finishedIso = new Date(finishedMs).toISOString();
    }
    w.ascii(this.finishedIso);
    w.byte(COMMA);
    w.bytes(buf, head.msStart, head.msEnd);
    w.byte(COMMA);
    w.bytes(buf, head.nStart, head.nEnd);
    if (layout.shard) {
      w.byte(COMMA);
      if (header?.shard !== undefined) w.text(this.slowCell(header.shard));
    }
    if (layout.pass) {
      w.byte(COMMA);
      const pass = head.pass !== -1 ? head.pass : header?.pass;
      if (pass !== undefined) w.ascii(this.slowCell(pass));
    }
    if (layout.redone) {
      w.byte(COMMA);
      if (head.redo) w.ascii("true");
    }
    w.byte(NEWLINE);
    return true;
  }

  /** A JSON string's cell: its bytes as they are, with `'` before a formula start; else via slowCell. */
  private stringCell(buf: Buffer, start: number, end: number, escaped: boolean, w: ByteWriter): void {
    const comma = escaped ? -1 : buf.indexOf(COMMA, start);
    if (escaped || (comma !== -1 && comma < end)) {
      const text = escaped ? (JSON.parse(buf.toString("utf8", start - 1, end + 1)) as string) : buf.toString("utf8", start, end);
      w.text(this.slowCell(text));
      return;
    }
    if (start < end && FORMULA_START[buf[start]!] === 1) w.byte(APOSTROPHE);
    w.bytes(buf, start, end);
  }

  private fieldCell(buf: Buffer, col: number, w: ByteWriter): void {
    const start = this.starts[col]!;
    const end = this.ends[col]!;
    switch (this.types[col]) {
      case STRING:
      case ESCAPED_STRING:
        return this.stringCell(buf, start, end, this.types[col] === ESCAPED_STRING, w);
      case NUMBER:
        return plainInteger(buf, start, end) ? w.bytes(buf, start, end) : w.ascii(String(Number(buf.toString("latin1", start, end))));
      case TRUE:
        return w.ascii("true");
      case FALSE:
        return w.ascii("false");
      case NESTED:
        return w.text(this.slowCell(JSON.parse(buf.toString("utf8", start, end))));
      default:
      // NONE, NULL: an empty cell
    }
  }

  /** Finds the columns' values in the object `buf[start, end)`; false unless it is JSON.stringify's flat output. */
  private scanObject(buf: Buffer, start: number, end: number): boolean {
    let i = start + 1;
    if (buf[i] === 0x7d) return i === end - 1;
    let guess = 0;
    for (;;) {
      if (buf[i] !== QUOTE) return false;
      const keyStart = i + 1;
      i = keyStart;
      while (i < end && buf[i] !== QUOTE) if (buf[i++] === BACKSLASH) return false;
      const keyEnd = i;
      if (buf[i + 1] !== 0x3a) return false;
      i += 2;
      const valueStart = i;
      const type = valueType(buf[i]!);
      if (type === STRING) {
        i++;
        let escaped = false;
        while (i < end && buf[i] !== QUOTE) {
          if (buf[i] === BACKSLASH) {
            escaped = true;
            i++;
          }
          i++;
        }
        if (i >= end) return false;
        i++;
        guess = this.store(buf, keyStart, keyEnd, guess, escaped ? ESCAPED_STRING : STRING, valueStart + 1, i - 1);
      } else {
        const valueEnd = type === NESTED ? nestedEnd(buf, i, end) : scalarEnd(buf, i, end);
        if (type === NONE || valueEnd === -1) return false;
        if (type === TRUE || type === FALSE || type === NULL) {
          const word = buf.toString("latin1", i, valueEnd);
          if (word !== (type === TRUE ? "true" : type === FALSE ? "false" : "null")) return false;
        }
        i = valueEnd;
        guess = this.store(buf, keyStart, keyEnd, guess, type, valueStart, valueEnd);
      }
      if (buf[i] === COMMA) i++;
      else return buf[i] === 0x7d && i === end - 1;
    }
  }

  /** Keeps a member's value for its column (a later duplicate wins, as in JSON.parse); returns the next guess. */
  private store(buf: Buffer, keyStart: number, keyEnd: number, guess: number, type: number, start: number, end: number): number {
    const expected = this.keyBytes[guess];
    const col =
      expected !== undefined && sameBytes(expected, buf, keyStart, keyEnd)
        ? guess
        : (this.keyIndex.get(buf.toString("utf8", keyStart, keyEnd)) ?? -1);
    if (col === -1) return guess;
    this.types[col] = type;
    this.starts[col] = start;
    this.ends[col] = end;
    return col + 1;
  }
}

function valueType(c: number): number {
  if (c === QUOTE) return STRING;
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return NUMBER;
  if (c === 0x74) return TRUE;
  if (c === 0x66) return FALSE;
  if (c === 0x6e) return NULL;
  if (c === 0x7b || c === 0x5b) return NESTED;
  return NONE;
}

/** The end of a number or word: the next comma or closing brace. */
function scalarEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== COMMA && buf[i] !== 0x7d) i++;
  return i < end ? i : -1;
}

/** The end of a nested object or array, strings skipped. */
function nestedEnd(buf: Buffer, i: number, end: number): number {
  let depth = 0;
  while (i < end) {
    const c = buf[i]!;
    if (c === QUOTE) {
      i++;
      while (i < end && buf[i] !== QUOTE) i += buf[i] === BACKSLASH ? 2 : 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** An integer String(JSON.parse(text)) gives back as it is: no leading zero, no -0, at most 15 digits. */
function plainInteger(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  if (buf[i] === 0x2d) i++;
  const digits = end - i;
  if (digits === 0 || digits > 15 || (buf[i] === 0x30 && (digits > 1 || i > start))) return false;
  for (; i < end; i++) if (buf[i]! < 0x30 || buf[i]! > 0x39) return false;
  return true;
}

function sameBytes(expected: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (expected.length !== end - start) return false;
  for (let k = 0; k < expected.length; k++) if (expected[k] !== buf[start + k]) return false;
  return true;
}
