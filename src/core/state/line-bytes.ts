/**
 * Writing the two per-item lines (the journal's done record, the job log's success) as
 * bytes straight into the writer's buffer. Built as strings, each line was a rope of a
 * few pieces that the writer then flattened and encoded: about 0.2 µs per line, a fifth
 * of the engine's whole per-item cost at a million no-op items. These helpers cover the
 * common case only (an id of printable ASCII that JSON writes as it is); anything else
 * returns -1 and the caller writes the line as a string, with the same bytes.
 */

/** Copies `from` (its first `length` bytes) to `bytes` at p; returns the end. A loop: for a few dozen bytes it beats set(). */
export function putBytes(bytes: Uint8Array, p: number, from: Uint8Array, length = from.length): number {
  for (let i = 0; i < length; i++) bytes[p++] = from[i]!;
  return p;
}

/**
 * Copies a JSON string's characters (without quotes) to `bytes` at p when JSON.stringify
 * writes each as it is and as one byte: printable ASCII other than `"` and `\`. Returns
 * the end, or -1 at the first other character (nothing is committed: the caller gives up).
 */
export function putPlainJsonChars(bytes: Uint8Array, p: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isPlainJsonChar(c)) return -1;
    bytes[p++] = c;
  }
  return p;
}

/** putPlainJsonChars for text held as bytes: from[start, end) copied to `bytes` at p; the end, or -1. */
export function putPlainJsonBytes(bytes: Uint8Array, p: number, from: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = from[i]!;
    if (!isPlainJsonChar(c)) return -1;
    bytes[p++] = c;
  }
  return p;
}

/** A character JSON.stringify writes in a string as it is, in one byte: printable ASCII but `"` and `\`. */
function isPlainJsonChar(c: number): boolean {
  return c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c;
}

/** Writes a number as String(x) would (digits by hand for a non-negative safe integer); returns the end. */
export function putNumber(bytes: Uint8Array, p: number, x: number): number {
  if (!Number.isSafeInteger(x) || x < 0) {
    const text = String(x);
    for (let i = 0; i < text.length; i++) bytes[p++] = text.charCodeAt(i);
    return p;
  }
  let digits = 1;
  for (let v = x; v >= 10; v = Math.floor(v / 10)) digits++;
  let end = p + digits;
  let v = x;
  do {
    const q = Math.floor(v / 10);
    bytes[--end] = 0x30 + (v - q * 10);
    v = q;
  } while (v > 0);
  return p + digits;
}

/** The most characters String(x) has for any number x (as in "-1.2345678901234567e+308"). */
export const MAX_NUMBER_CHARS = 24;
