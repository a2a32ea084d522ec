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

/** The two lanes of the hash while a value is walked. */
class Lanes {
  a = 0x811c9dc5;
  b = 0x9747b28c;

  code(c: number): void {
    this.a = Math.imul(this.a ^ c, 0x01000193);
    this.b = Math.imul(this.b ^ c, 0x5bd1e995);
    this.b ^= this.b >>> 13;
  }

  text(s: string): void {
    // The length first: "ab","c" and "a","bc" must not hash alike.
    this.code(s.length);
    for (let i = 0; i < s.length; i++) this.code(s.charCodeAt(i));
  }
}

/** Tags that keep values of different types apart ("1" the string, 1 the number). */
const TAG_NULL = 1, TAG_TRUE = 2, TAG_FALSE = 3, TAG_NUMBER = 4, TAG_STRING = 5, TAG_ARRAY = 6, TAG_OBJECT = 7, TAG_OTHER = 8;

function walk(lanes: Lanes, value: unknown): void {
  if (value === null) return lanes.code(TAG_NULL);
  switch (typeof value) {
    case "string":
      lanes.code(TAG_STRING);
      return lanes.text(value);
    case "number":
      lanes.code(TAG_NUMBER);
      // As JSON writes it: 1.0 and 1 are one number; -0 is 0.
      return lanes.text(Number.isFinite(value) ? String(value === 0 ? 0 : value) : "null");
    case "boolean":
      return lanes.code(value ? TAG_TRUE : TAG_FALSE);
    case "object": {
      if (Array.isArray(value)) {
        lanes.code(TAG_ARRAY);
        lanes.code(value.length);
        for (const element of value) walk(lanes, element);
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = sortedKeys(record);
      lanes.code(TAG_OBJECT);
      lanes.code(keys.length);
      for (const key of keys) {
        // A member whose value JSON would leave out (undefined) is not there.
        if (record[key] === undefined) continue;
        lanes.text(key);
        walk(lanes, record[key]);
      }
      return;
    }
    default:
      lanes.code(TAG_OTHER);
      return lanes.text(String(value));
  }
}

/** The keys in code-unit order, as canonical JSON (RFC 8785) sorts them; most objects already are. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort();
  }
  return keys;
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
  const lanes = new Lanes();
  walk(lanes, value);
  const low = mix(lanes.a ^ Math.imul(lanes.b, 0x27d4eb2d));
  const high = mix(lanes.b ^ low) & 0xffff;
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

/**
 * Fingerprints in the order of a list of ids, as one base64url string of 8 characters per
 * id ("" where an id has none would break the column: a missing one is written as 0, which
 * reads back as "no fingerprint": 0 is given to no value in practice, 1 in 2^48).
 */
export function encodeFingerprintColumn(ids: Iterable<string>, fingerprints: ReadonlyMap<string, number>): string {
  const parts: string[] = [];
  let bytes = Buffer.allocUnsafe(6 * 4096);
  let used = 0;
  for (const id of ids) {
    if (used === bytes.length) {
      parts.push(bytes.toString("base64url"));
      bytes = Buffer.allocUnsafe(6 * 4096);
      used = 0;
    }
    bytes.writeUIntBE(fingerprints.get(id) ?? 0, used, 6);
    used += 6;
  }
  parts.push(bytes.subarray(0, used).toString("base64url"));
  return parts.join("");
}

/** Reads a column back into `into`, by position in `ids`; returns how many were set. */
export function decodeFingerprintColumn(column: string, ids: readonly string[] | Iterable<string>, into: Map<string, number>): number {
  const bytes = Buffer.from(column, "base64url");
  let offset = 0;
  let set = 0;
  for (const id of ids) {
    if (offset + 6 > bytes.length) break;
    const fingerprint = bytes.readUIntBE(offset, 6);
    offset += 6;
    if (fingerprint !== 0) {
      into.set(id, fingerprint);
      set++;
    }
  }
  return set;
}
