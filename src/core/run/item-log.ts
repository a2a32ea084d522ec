import type { Logger } from "../platform/logger.js";
import { escapeControls, shorten } from "../platform/log-text.js";

/** Failures (and retries) logged one by one before the log only counts them. */
const MAX_ITEM_LOG_LINES = 100;
/** Longest reason shown on one log line (the whole text is in failures.json). */
const MAX_REASON_CHARS = 240;

/** The log lines about single items: the first hundred are written, later ones are not. */
export class ItemLog {
  private lines = 0;

  constructor(private readonly log: Logger) {}

  write(message: string): void {
    if (this.lines < MAX_ITEM_LOG_LINES) this.log.info(message);
    else if (this.lines === MAX_ITEM_LOG_LINES) this.log.info(`(further failures and retries are not logged one by one; see failures.json)`);
    this.lines++;
  }
}

/**
 * One line for the log: a command's stderr tail usually names the cause on its last line,
 * so a multi-line reason shows its first and last lines (the whole text is in failures.json).
 */
export function oneLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.length <= 1 ? (lines[0] ?? "") : `${lines[0]} … ${lines[lines.length - 1]}`;
  // What is left (a CR, an ESC) is item-derived text too: it must not start a line of its own.
  return shorten(escapeControls(line), MAX_REASON_CHARS + 1);
}
