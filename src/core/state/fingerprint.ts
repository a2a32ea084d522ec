/**
 * Fingerprints of item content, for `reprocess-changed`: a 48-bit hash of the item's
 * canonical form — the value as canonical JSON would write it (object keys sorted, no
 * whitespace), so key order and formatting do not count as a change, values do.
 *
 * Not a cryptographic hash: it only has to notice that content changed. With 48 bits a
 * change goes unnoticed with a chance of 1 in 2^48 (about 3.6e-15) per changed item. It is
 * computed on every done item of every run with `reprocess-changed`, so it walks the parsed
 * value without building the canonical string and mixes two 32-bit lanes with Math.imul:
 * sha256 of the canonical JSON cost more than the rest of a run's per-item work together.
 *
 * 48 bits are 6 bytes, 8 base64url characters with no padding: what the journal and the
 * snapshot store per done item (the snapshot as one column, which compresses to about 6
 * bytes an item: the characters carry 6 bits each).
 */

/**
 * The two 32-bit lanes of the hash while a value is walked: module variables rather than an
 * object, so the walk allocates nothing (it runs on every done item of every run with
 * reprocess-changed, and each allocation is garbage the collector then visits).
 */
let laneA = 0;
let laneB = 0;

function code(c: number): void {
  laneA = Math.imul(laneA ^ c, 0x01000193);
  laneB = Math.imul(laneB ^ c, 0x5bd1e995);
}

function text(s: string): void {
  // The length first: "ab","c" and "a","bc" must not hash alike.
  code(s.length);
  let a = laneA;
  let b = laneB;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  laneA = a;
  laneB = b;
}

/** Tags that keep values of different types apart ("1" the string, 1 the number). */
const TAG_NULL = 1,
  TAG_TRUE = 2,
  TAG_FALSE = 3,
  TAG_NUMBER = 4,
  TAG_STRING = 5,
  TAG_ARRAY = 6,
  TAG_OBJECT = 7,
  TAG_OTHER = 8,
  TAG_END = 9;

function walk(value: unknown): void {
  if (value === null) return code(TAG_NULL);
  switch (typeof value) {
    case "string":
      code(TAG_STRING);
      return text(value);
    case "number":
      code(TAG_NUMBER);
      // As JSON writes it: 1.0 and 1 are one number; -0 is 0.
      return text(Number.isFinite(value) ? String(value === 0 ? 0 : value) : "null");
    case "boolean":
      return code(value ? TAG_TRUE : TAG_FALSE);
    case "object":
      if (Array.isArray(value)) {
        code(TAG_ARRAY);
        code(value.length);
        for (const element of value) walk(element);
        return;
      }
      return walkObject(value as Record<string, unknown>);
    default:
      code(TAG_OTHER);
      return text(String(value));
  }
}

/**
 * An object's members in code-unit order of their keys, as canonical JSON (RFC 8785) sorts
 * them. Most objects already are in order, or always in the same order: for-in walks them
 * without an array of keys, and only an object found out of order is walked again sorted.
 * A member JSON would leave out (undefined) is not there.
 */
function walkObject(record: Record<string, unknown>): void {
  const startA = laneA;
  const startB = laneB;
  code(TAG_OBJECT);
  let previous: string | undefined;
  for (const key in record) {
    if (previous !== undefined && previous > key) {
      laneA = startA;
      laneB = startB;
      return walkObjectSorted(record);
    }
    previous = key;
    const member = record[key];
    if (member === undefined) continue;
    text(key);
    walk(member);
  }
  code(TAG_END);
}

function walkObjectSorted(record: Record<string, unknown>): void {
  code(TAG_OBJECT);
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    text(key);
    walk(member);
  }
  code(TAG_END);
}

/** 32-bit finaliser (murmur3's fmix32): spreads the last characters over every bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The fingerprint of a value: a whole number below 2^48. */
export function fingerprintOf(value: unknown): number {
  laneA = 0x811c9dc5;
  laneB = 0x9747b28c;
  walk(value);
  const low = mix(laneA ^ Math.imul(laneB, 0x27d4eb2d));
  const high = mix(laneB ^ low) & 0xffff;
  return high * 0x1_0000_0000 + low;
}

/** A fingerprint as the journal writes it: 8 base64url characters. */
export function fingerprintText(fingerprint: number): string {
  const bytes = Buffer.allocUnsafe(6);
  bytes.writeUIntBE(fingerprint, 0, 6);
  return bytes.toString("base64url");
}

const FINGERPRINT_TEXT = /^[A-Za-z0-9_-]{8}$/;

/** Reads fingerprintText's form back; undefined for anything else. */
export function parseFingerprintText(text: unknown): number | undefined {
  if (typeof text !== "string" || !FINGERPRINT_TEXT.test(text)) return undefined;
  return Buffer.from(text, "base64url").readUIntBE(0, 6);
}

const TWO_TO_32 = 0x1_0000_0000;

/**
 * Fingerprints as one base64url string of 8 characters each, in order; 0 (none) is written
 * as "AAAAAAAA" and reads back as none (0 is the fingerprint of no value in practice: 1 in
 * 2^48). The bytes are set by hand: Buffer's writeUIntBE per value cost more than the rest
 * of a compaction at a million items.
 */
export function encodeFingerprintColumn(values: ArrayLike<number>): string {
  const bytes = Buffer.allocUnsafe(6 * values.length);
  for (let i = 0, at = 0; i < values.length; i++, at += 6) {
    const fingerprint = values[i] ?? 0;
    const high = Math.floor(fingerprint / TWO_TO_32);
    const low = fingerprint >>> 0;
    bytes[at] = high >>> 8;
    bytes[at + 1] = high & 0xff;
    bytes[at + 2] = low >>> 24;
    bytes[at + 3] = (low >>> 16) & 0xff;
    bytes[at + 4] = (low >>> 8) & 0xff;
    bytes[at + 5] = low & 0xff;
  }
  return bytes.toString("base64url");
}

/** Reads `count` fingerprints back from a column (0 where there is none). */
export function decodeFingerprintColumn(column: string, count: number): Float64Array {
  const bytes = Buffer.from(column, "base64url");
  const values = new Float64Array(count);
  const n = Math.min(count, Math.floor(bytes.length / 6));
  for (let i = 0, at = 0; i < n; i++, at += 6) {
    const high = (bytes[at]! << 8) | bytes[at + 1]!;
    const low = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
    values[i] = high * TWO_TO_32 + low;
  }
  return values;
}
