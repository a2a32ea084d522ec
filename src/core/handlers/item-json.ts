import type { AttemptResult } from "./handler.js";

/**
 * Linux caps one environment string at 128 KiB (MAX_ARG_STRLEN, counted in bytes): a
 * larger ITEM_JSON or ITEM_ID makes the spawn fail with E2BIG. Values above this many
 * bytes of UTF-8 are left out of the environment (the item is on standard input anyway).
 */
export const MAX_ENV_VALUE_BYTES = 100_000;

/** True when the text fits one environment variable (MAX_ENV_VALUE_BYTES of UTF-8). */
export function fitsEnvironment(text: string): boolean {
  // A UTF-8 character takes at most 3 bytes per UTF-16 unit: skip the count when it cannot matter.
  return text.length * 3 <= MAX_ENV_VALUE_BYTES || Buffer.byteLength(text, "utf8") <= MAX_ENV_VALUE_BYTES;
}

/**
 * JSON.stringify for what one item brings (its data, a request naming it): an item nested
 * thousands deep passes the input check (JSON.parse does not recurse) but overflows the
 * stack here. That fails the item, with a reason, never the run.
 */
export function serialiseForItem(value: unknown, what = "the item"): { json: string } | { failure: AttemptResult } {
  try {
    const json = JSON.stringify(value);
    return { json: json === undefined ? "null" : json };
  } catch (error) {
    return { failure: { ok: false, kind: "permanent", error: unserialisableReason(error, what) } };
  }
}

/** Why a value could not be written as JSON, for a failure reason. */
export function unserialisableReason(error: unknown, what: string): string {
  const message = error instanceof Error ? error.message : "unknown error";
  const hint = error instanceof RangeError ? " (nested too deeply?)" : "";
  return `${what} cannot be written as JSON: ${message}${hint}`;
}
