/**
 * Item-derived text (ids, error messages, handler output) on its way into a log line.
 * Such text must not start a line of its own: in GitHub Actions a line of the step's
 * output that starts with `::` is a workflow command (`::add-mask::`, `::error::`,
 * `::stop-commands::`), and on a terminal an ESC sequence redraws the screen.
 */

/** Longest id written into a log line; the whole id is in failures.json and the reports. */
export const MAX_LOG_ID_CHARS = 80;

/**
 * Characters that end a line somewhere (LF, CR, VT, FF, NEL, U+2028/9), other C0/C1
 * controls (ESC starts terminal sequences), DEL, and lone surrogates (no character at all).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Writes control characters as visible escapes (`\n`, `\r`, `\t`, `\u001b`), so the text stays on one line. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Cuts text to `maxChars` (not inside a surrogate pair), marking the cut with `…`. */
export function shorten(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + "…";
}

/** An id as it appears in a log line: one line, control characters escaped, at most MAX_LOG_ID_CHARS. */
export function logId(id: string): string {
  return shorten(escapeControls(id), MAX_LOG_ID_CHARS);
}
