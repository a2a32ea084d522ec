/**
 * Formatting and escaping for the reports (markdown, and the HTML report's numbers):
 * counts, durations, percentages and timestamps, and hostile text made safe for a
 * markdown code span or plain markdown text.
 */

import { shorten } from "../core/index.js";

/** Error messages in tables are cut to this many characters. */
export const MAX_ERROR_CHARS = 200;
/** Free text from the adapter (warnings, details, title) is cut to this many characters. */
export const MAX_NOTE_CHARS = 2_000;

/** 12345 -> "12,345" (no locale data needed). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? "-" : "";
  const [int, frac] = Math.abs(n).toString().split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + grouped + (frac ? "." + frac : "");
}

/** 850 -> "850 ms", 45_200 -> "45.2 s", 3_723_000 -> "1 h 02 min 03 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1).replace(/\.0$/, "")} s`;
  const totalSeconds = Math.round(ms / 1_000);
  const h = Math.floor(totalSeconds / 3_600);
  const m = Math.floor((totalSeconds % 3_600) / 60);
  const s = totalSeconds % 60;
  const pad = (x: number) => String(x).padStart(2, "0");
  return h > 0 ? `${h} h ${pad(m)} min ${pad(s)} s` : `${m} min ${pad(s)} s`;
}

/** Share of `part` in `whole` as "12.3%" ("0%" when whole is 0). */
export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0)) return "0%";
  const pct = (100 * part) / whole;
  if (pct > 0 && pct < 0.1) return "<0.1%";
  if (pct < 100 && pct > 99.9) return ">99.9%";
  return `${pct.toFixed(1).replace(/\.0$/, "")}%`;
}

/** "2024-05-01T12:34:56.789Z" -> "2024-05-01 12:34:56Z" (readable, still UTC); other text as is. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return "–";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  return m ? `${m[1]} ${m[2]}${m[3] === "Z" ? " UTC" : (m[3] ?? "")}` : iso;
}

/** Cut `text` to `max` characters, ending with "…" when cut; never splits a surrogate pair (the engine's `shorten`). */
export function truncateText(text: string, max: number): string {
  return shorten(text, max);
}

// ---------------------------------------------------------------------------------------
// Escaping

/**
 * Hostile text as an inline code span that is safe inside a GFM table cell.
 *
 * - Code spans are literal in CommonMark: `<script>`, `*`, `[x](y)` and entities show as
 *   typed, nothing is interpreted.
 * - Newlines would end the table row: control characters and line breaks become spaces,
 *   runs of whitespace one space.
 * - `|` would end the cell, even inside a code span: GFM lets `\|` stand for a pipe there.
 * - Backticks inside are handled by fencing with a longer run of backticks, padded with a
 *   space when the text starts or ends with one.
 */
export function markdownCode(text: string, maxChars = MAX_ERROR_CHARS): string {
  let clean = truncateText(
    String(text)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
      .replace(/\s+/g, " ")
      .trim(),
    maxChars,
  );
  if (clean === "") return "*(empty)*";
  clean = clean.replace(/\|/g, "\\|");
  let longest = 0;
  for (const run of clean.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/**
 * Plain text that markdown must not interpret (adapter-supplied notes, titles, timestamps):
 * inline markdown punctuation is backslash-escaped, and so is a leading character that would
 * start a heading, list or quote; `<`, `>`, `&` and `@` become entities (no HTML, no
 * mentions); line breaks become spaces.
 */
export function markdownText(text: string, maxChars = MAX_NOTE_CHARS): string {
  return (
    truncateText(
      String(text)
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
      maxChars,
    )
      .replace(/[\\`*_[\]|~]/g, "\\$&")
      // Characters that only mean something at the start of a line (headings, lists); a leading `>` is
      // harmless because it becomes `&gt;` below.
      .replace(/^([#+\-=]|\d+[.)])/, (m) => (m.length === 1 ? "\\" + m : m.slice(0, -1) + "\\" + m.slice(-1)))
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/@/g, "&#64;")
  );
}
