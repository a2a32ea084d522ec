import parse from "parse-duration";
import { ConfigError } from "../platform/errors.js";

/**
 * Reads a duration like `500ms`, `90s`, `5m`, `1h30m`. A bare number is rejected rather
 * than guessed at (seconds? milliseconds?), so `--time-budget 300` fails with a hint.
 * `what` names the flag or input for the error message.
 */
export function parseDurationMs(text: string, what: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new ConfigError(`${what}: '${text}' has no unit; write it like 500ms, 90s, 5m or 1h30m`);
  }
  const ms = /^(\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+$/i.test(trimmed) ? parse(trimmed, "ms") : null;
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw new ConfigError(`${what}: '${text}' is not a duration; write it like 500ms, 90s, 5m or 1h30m`);
  }
  return Math.round(ms);
}

/** Renders milliseconds for people: 950ms, 12.3s, 4m05s, 2h07m. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, "0")}m`;
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}
