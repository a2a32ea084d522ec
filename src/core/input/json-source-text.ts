/**
 * The source text of one number in a JSON text, found by its field path, without parsing
 * the text again: JSON.parse turns 9007199254740993 into 9007199254740992 (and 1.0 into 1),
 * and Node 20's JSON.parse cannot hand out the source text of a value. A numeric id keeps
 * the digits it was written with, so two large ids that round to one double stay two ids.
 */

/** The text of the number at `path` (a top-level key, or nested keys), or undefined. */
export function numberTextAt(json: string, path: readonly string[]): string | undefined {
  let i = skipSpace(json, 0);
  for (const key of path) {
    if (json.charCodeAt(i) !== 0x7b) return undefined; // not an object
    i = findKey(json, i + 1, key);
    if (i < 0) return undefined;
  }
  const start = i;
  while (i < json.length && isNumberChar(json.charCodeAt(i))) i++;
  return i > start ? json.slice(start, i) : undefined;
}

/** From just inside an object, the start of the value of `key` (the last one if repeated, as JSON.parse keeps), or -1. */
function findKey(json: string, from: number, key: string): number {
  let found = -1;
  let i = skipSpace(json, from);
  while (i < json.length && json.charCodeAt(i) === 0x22) {
    const keyEnd = skipString(json, i);
    const name = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipSpace(json, keyEnd);
    if (json.charCodeAt(i) !== 0x3a) return -1;
    i = skipSpace(json, i + 1);
    if (name === key) found = i;
    i = skipSpace(json, skipValue(json, i));
    if (json.charCodeAt(i) !== 0x2c) break;
    i = skipSpace(json, i + 1);
  }
  return found;
}

/** The index just past the value starting at `i` (the text was parsed already: it is valid). */
function skipValue(json: string, i: number): number {
  const c = json.charCodeAt(i);
  if (c === 0x22) return skipString(json, i);
  if (c !== 0x7b && c !== 0x5b) {
    while (i < json.length && !isValueEnd(json.charCodeAt(i))) i++;
    return i;
  }
  let depth = 0;
  for (; i < json.length; i++) {
    const d = json.charCodeAt(i);
    if (d === 0x22) i = skipString(json, i) - 1;
    else if (d === 0x7b || d === 0x5b) depth++;
    else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
  }
  return i;
}

/** The index just past the string starting at `i` (its opening quote). */
function skipString(json: string, i: number): number {
  for (i++; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return i;
}

function skipSpace(json: string, i: number): number {
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

function isValueEnd(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}
