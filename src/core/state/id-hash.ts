/** The hash DoneSet files its ids under, the same for an id given as a string or as its UTF-8 bytes. */

/** asciiHash's answer for a string with a character above U+007F (hashes are 32-bit unsigned). */
export const NOT_ASCII = -1;

/**
 * MurmurHash3 (x86, 32-bit, seed 0) over the id's UTF-8 bytes, four bytes a step: half a
 * second less than a byte-at-a-time hash over 2M ids of 300 bytes. For ASCII text the
 * bytes are the character codes, so a query string is hashed without encoding it;
 * asciiHash answers NOT_ASCII for any other text, which is then encoded and hashed as bytes.
 */
export function asciiHash(id: string): number {
  const n = id.length;
  const whole = n & ~3;
  let h = 0;
  for (let i = 0; i < whole; i += 4) {
    const c0 = id.charCodeAt(i);
    const c1 = id.charCodeAt(i + 1);
    const c2 = id.charCodeAt(i + 2);
    const c3 = id.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 0x7f) return NOT_ASCII;
    h = mixWord(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  let tail = 0;
  for (let i = n - 1; i >= whole; i--) {
    const c = id.charCodeAt(i);
    if (c > 0x7f) return NOT_ASCII;
    tail = (tail << 8) | c;
  }
  return finish(h, tail, n);
}

export function bytesHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const n = end - start;
  const whole = start + (n & ~3);
  let h = 0;
  for (let i = start; i < whole; i += 4) h = mixWord(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  let tail = 0;
  for (let i = end - 1; i >= whole; i--) tail = (tail << 8) | bytes[i]!;
  return finish(h, tail, n);
}

function scramble(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixWord(h: number, word: number): number {
  h ^= scramble(word);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, tail: number, length: number): number {
  if ((length & 3) !== 0) h ^= scramble(tail);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
