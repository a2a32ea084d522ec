import { isAscii } from "node:buffer";
import type { DoneSet } from "./done-set.js";

const PREFIX = Buffer.from('{"t":"done","ids":["');
const SUFFIX = Buffer.from('"]}');
const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;

/**
 * Reads a done line, `{"t":"done","ids":["a","b",…]}`, straight from its bytes into the
 * done set, when it has the plain form compactState writes for ASCII ids without escapes:
 * no decoding, no JSON.parse, no string per id, and the scanning done by native code
 * (indexOf, isAscii) — what makes 2M ids of 300 bytes load in about a second. With no
 * backslash a quote can only end a string, so `","` only separates ids, and each ASCII
 * byte is one character: the ids are what JSON.parse would give (it would also refuse a
 * raw control character, which no writer of ours leaves unescaped). Returns the ids
 * added, or -1 when the line is of another form (a fingerprint column, an escape, a
 * non-ASCII byte, an empty id): the caller parses it as JSON, which decides and words any
 * error. Nothing is added from a line until all of it was found plain.
 */
export function addPlainDoneLine(bytes: Buffer, start: number, end: number, done: DoneSet): number {
  const idsStart = start + PREFIX.length;
  const idsEnd = end - SUFFIX.length; // the closing quote of the last id
  if (
    idsEnd <= idsStart ||
    bytes.compare(PREFIX, 0, PREFIX.length, start, idsStart) !== 0 ||
    bytes.compare(SUFFIX, 0, SUFFIX.length, idsEnd, end) !== 0
  )
    return -1;
  // Searched within the line only: indexOf from idsStart alone would scan to the end of
  // the reader's buffer for every line (most of a load's time with a large buffer).
  const ids = bytes.subarray(idsStart, idsEnd);
  if (ids.indexOf(BACKSLASH) !== -1 || !isAscii(ids)) return -1;
  let count = 0;
  for (let idStart = idsStart; ; count++) {
    const quote = bytes.indexOf(QUOTE, idStart);
    if (quote === idStart) return -1; // an empty id
    if (2 * count + 2 > bounds.length) bounds = grow(bounds);
    bounds[2 * count] = idStart;
    bounds[2 * count + 1] = quote;
    if (quote === idsEnd) break;
    if (bytes[quote + 1] !== COMMA || bytes[quote + 2] !== QUOTE) return -1;
    idStart = quote + 3;
  }
  // The whole line was of the plain form: only now are its ids added, in one copy.
  done.addUtf8Block(bytes, idsStart, idsEnd, bounds, ++count);
  return count;
}

/** Where each id of the line being read starts and ends; reused from line to line. */
let bounds = new Uint32Array(2 * 4096);

function grow(old: Uint32Array): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(old.length * 2);
  grown.set(old);
  return grown;
}
