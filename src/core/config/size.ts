import { ConfigError } from "../platform/errors.js";

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };

/**
 * A size like `64KiB`, `512k`, `1MiB` or `65536` (bytes). K and M count in 1024s, as the
 * README's defaults are written (64 KiB): a result cap is about memory, not disk vendors.
 */
export function parseSizeBytes(value: string, what: string, maxBytes: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1 || bytes > maxBytes) {
    throw new ConfigError(`${what}: '${value}' is not a size from 1 byte to ${maxBytes / 1024 ** 2} MiB; write it like 64KiB, 512k or 1MiB`);
  }
  return bytes;
}
