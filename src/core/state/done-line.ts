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
 * error (ids added before a surprise are added again then, which changes nothing).
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
  const backslash = bytes.indexOf(BACKSLASH, idsStart);
  if ((backslash !== -1 && backslash < idsEnd) || !isAscii(bytes.subarray(idsStart, idsEnd))) return -1;
  let count = 0;
  for (let idStart = idsStart; ;) {
    const quote = bytes.indexOf(QUOTE, idStart);
    if (quote === idStart) return -1; // an empty id
    done.addUtf8(bytes, idStart, quote);
    count++;
    if (quote === idsEnd) return count;
    if (bytes[quote + 1] !== COMMA || bytes[quote + 2] !== QUOTE) return -1;
    idStart = quote + 3;
  }
}
