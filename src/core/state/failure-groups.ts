/**
 * Grouping failed items by cause.
 *
 * Thousands of failures usually come from a handful of causes ("HTTP 404 for /users/17",
 * "HTTP 404 for /users/912", …). `normaliseCause` folds the parts of a message that vary
 * per item (numbers, ids, quoted values, hex, UUIDs, URLs' variable segments, emails,
 * timestamps) into readable placeholders, and `groupFailures` counts failures per cause.
 *
 * Pure: no I/O, no GitHub or CLI imports.
 */
import type { FailureGroup, FailureKind, FailureRecord } from "../platform/types.js";

/** Longest cause returned by `normaliseCause`, in UTF-16 code units (the last one is `…`). */
export const MAX_CAUSE_LENGTH = 200;

/**
 * Only this much of a message is looked at. Error messages can be the tail of a command's
 * stderr; normalising megabytes per item would make grouping slow, and the cause is capped
 * at `MAX_CAUSE_LENGTH` anyway.
 */
const MAX_INPUT_LENGTH = 600;

/** Messages up to this length are normalised once per distinct text in `groupFailures`. */
const MEMO_MAX_LENGTH = 500;

/** Default number of example ids kept per group. */
export const DEFAULT_GROUP_EXAMPLES = 3;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_RE = /^(?:0x[0-9a-f]+|(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,})$/i;

type TokenKind = "ansi" | "url" | "email" | "code" | "uuid" | "time" | "quote" | "hex" | "ip" | "num" | "ws";

/**
 * One left-to-right pass over the message. Each alternative is a capture group; the first
 * alternative that matches at a position wins, and text a placeholder replaced is never
 * looked at again (so digits in a URL's host are not turned into `<n>` afterwards).
 *
 * Token-start lookbehinds (`(?<![A-Za-z0-9])`) keep the scan linear: an alternative is only
 * tried at the start of a token, not at every character inside it.
 */
const TOKENS: ReadonlyArray<readonly [TokenKind, string]> = [
  // ANSI colour codes from a terminal's stderr: dropped.
  ["ansi", String.raw`\x1b\[[0-9;?]*[A-Za-z]`],
  // URLs: scheme://host/path?query — the host is kept, variable segments are folded.
  ["url", String.raw`(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/[^\s"'\x60<>]+`],
  // Email addresses.
  ["email", String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`],
  // Status and exit codes are kept: "HTTP 404" and "HTTP 500" are different causes, and so
  // are "exit code 1" and "exit code 75".
  [
    "code",
    String.raw`\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: code)?|exit(?:ed with)?(?: code| status)?|code|signal|errno)[ \t]*[:=#]?[ \t]*\d{1,3}(?![0-9])`,
  ],
  ["uuid", String.raw`(?<![A-Za-z0-9])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![A-Za-z0-9])`],
  // ISO 8601 dates and timestamps (before numbers, which would cut them into pieces).
  ["time", String.raw`(?<![0-9])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2}(?![0-9]))?`],
  // Quoted values. A single quote only opens at a token start and closes at a token end,
  // so apostrophes ("can't", "user's") are left alone.
  ["quote", String.raw`"[^"\n]{0,300}"`],
  ["quote", String.raw`\x60[^\x60\n]{0,300}\x60`],
  ["quote", String.raw`(?<![A-Za-z0-9])'[^'\n]{0,300}'(?![A-Za-z0-9])`],
  // Hex: 0x… or 7+ hex digits mixing letters and digits (short git SHAs, request ids).
  ["hex", String.raw`(?<![A-Za-z0-9])(?:0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{7,})(?![A-Za-z0-9])`],
  ["ip", String.raw`(?<![0-9.])\d{1,3}(?:\.\d{1,3}){3}(?![0-9.])`],
  // Numbers that stand alone or follow punctuation ("/users/17", "item-42", "1.5s",
  // "30000ms"). Digits glued to letters are kept when short ("sha256", "v2", "utf8") and
  // folded when long ("order12345").
  ["num", String.raw`(?<![A-Za-z0-9.])\d+(?:\.\d+)*|(?<=[A-Za-z])\d{4,}`],
  // Runs of whitespace (newlines included) collapse to one space; a lone space is left
  // alone so that it costs no replacement.
  ["ws", String.raw`\s\s+|[^\S ]`],
];

// Plain (unnamed) capture groups, one per alternative: cheaper than named groups, which
// make the engine build a groups object for every match.
//
// The guard in front skips positions in the middle of a word (a letter after a letter), where
// no alternative can start: one check there instead of a dozen makes long messages ~3x faster.
const TOKEN_RE = new RegExp(
  "(?!(?<=[A-Za-z])[A-Za-z])(?:" + TOKENS.map(([, pattern]) => `(${pattern})`).join("|") + ")",
  // Case-insensitive so "http 404", "Status: 500" and "EXIT CODE 2" are recognised too.
  "gi",
);
const TOKEN_KINDS = TOKENS.map(([kind]) => kind);

function foldUrlSegment(segment: string): string {
  if (segment === "") return segment;
  // Keep a file extension readable: "/reports/17.json" -> "/reports/<n>.json".
  const ext = /^(.+?)(\.[A-Za-z][A-Za-z0-9]{0,4})$/.exec(segment);
  const stem = ext ? ext[1]! : segment;
  const suffix = ext ? ext[2]! : "";
  let folded: string | undefined;
  if (/^\d+$/.test(stem)) folded = "<n>";
  else if (UUID_RE.test(stem)) folded = "<uuid>";
  else if (HEX_RE.test(stem)) folded = "<hex>";
  else if (stem.includes("@")) folded = "<email>";
  // A segment with digits in it and more than a couple of characters ("item-00042",
  // "2024-05-01", "abc123") is an id; short ones ("v1", "v2") are API versions.
  else if (/[0-9]/.test(stem) && stem.length > 3) folded = "<id>";
  // Very long segments are tokens or encoded blobs.
  else if (stem.length > 40) folded = "<id>";
  return folded === undefined ? segment : folded + suffix;
}

function normaliseUrl(raw: string): string {
  // Sentence punctuation after a URL is not part of it.
  const trail = /[.,;:!?)\]}]+$/.exec(raw);
  const url = trail ? raw.slice(0, raw.length - trail[0].length) : raw;
  const tail = trail ? trail[0] : "";
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url);
  if (!m) return raw;
  const scheme = m[1]!;
  // Credentials in a URL are never worth showing.
  const host = m[2]!.replace(/^[^@]*@/, "<…>@");
  const path = m[3]!.split("/").map(foldUrlSegment).join("/");
  const query = m[4]
    ? "?" +
      m[4]
        .slice(1)
        .split("&")
        .map((pair) => {
          const eq = pair.indexOf("=");
          return eq < 0 ? pair : `${pair.slice(0, eq)}=<…>`;
        })
        .join("&")
    : "";
  const fragment = m[5] ? "#<…>" : "";
  return scheme + host + path + query + fragment + tail;
}

function replaceToken(match: string, ...captures: unknown[]): string {
  let i = 0;
  while (i < TOKEN_KINDS.length && captures[i] === undefined) i++;
  switch (TOKEN_KINDS[i]) {
    case "ws":
      return " ";
    case "ansi":
      return "";
    case "url":
      return normaliseUrl(match);
    case "email":
      return "<email>";
    case "code":
      return match.replace(/\s+/g, " ");
    case "uuid":
      return "<uuid>";
    case "time":
      return "<time>";
    case "quote":
      return '"<…>"';
    case "hex":
      return "<hex>";
    case "ip":
      return "<ip>";
    case "num":
      return "<n>";
    default:
      return match;
  }
}

function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  // Do not split a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut).trimEnd() + "…";
}

/**
 * The cause of a failure: the message with per-item details folded away, so that messages
 * from one cause compare equal.
 *
 * - numbers → `<n>` (HTTP status, exit codes and signals stay: `HTTP 404`, `exit code 75`)
 * - UUIDs → `<uuid>`, hex strings and `0x…` → `<hex>`, emails → `<email>`,
 *   ISO dates/timestamps → `<time>`, IPv4 addresses → `<ip>`
 * - quoted values (`'…'`, `"…"`, `` `…` ``) → `"<…>"`
 * - URLs keep scheme, host and constant path segments; numeric, UUID, hex and id-like
 *   segments fold, query values become `<…>`, fragments `#<…>`
 * - ANSI colour codes are dropped, whitespace collapses to one space, the result is trimmed
 *   and capped at `MAX_CAUSE_LENGTH` characters.
 *
 * @example normaliseCause("HTTP 404 for /users/17") === "HTTP 404 for /users/<n>"
 */
export function normaliseCause(message: string): string {
  const input = typeof message === "string" ? message.slice(0, MAX_INPUT_LENGTH) : String(message ?? "");
  const out = input.replace(TOKEN_RE, replaceToken);
  const trimmed = out.trim();
  return trimmed === "" ? "(no message)" : capLength(trimmed, MAX_CAUSE_LENGTH);
}

/** Options of `groupFailures`. */
export interface GroupFailuresOptions {
  /**
   * How many example ids to keep per group (the first ones in input order).
   * @default 3
   */
  examples?: number;
}

/** Most common kind wins; on a tie the more actionable kind is shown first. */
const KIND_ORDER: readonly FailureKind[] = ["permanent", "timeout", "transient", "quarantined"];

interface GroupAccumulator {
  cause: string;
  count: number;
  kindCounts: Map<FailureKind, number>;
  exampleIds: string[];
  firstFailedAt: string;
  lastFailedAt: string;
}

/**
 * Failures grouped by `normaliseCause(error)`, largest group first; equal counts put the
 * group that failed most recently first, then order by cause so the output is stable.
 *
 * Timestamps are compared as strings: ISO 8601 UTC strings (`…Z`, as the engine writes them)
 * sort lexically in time order. Empty timestamps are ignored.
 *
 * Linear in the number of failures; identical messages are normalised once.
 */
export function groupFailures(failures: readonly FailureRecord[], opts: GroupFailuresOptions = {}): FailureGroup[] {
  const examples = Math.max(0, Math.floor(opts.examples ?? DEFAULT_GROUP_EXAMPLES));
  const causeOf = new Map<string, string>();
  const groups = new Map<string, GroupAccumulator>();

  for (const failure of failures) {
    const message = typeof failure.error === "string" ? failure.error : String(failure.error ?? "");
    // Memoised for short messages only: hashing a long stderr tail as a map key costs more
    // than normalising its first characters again.
    let cause = message.length <= MEMO_MAX_LENGTH ? causeOf.get(message) : undefined;
    if (cause === undefined) {
      cause = normaliseCause(message);
      if (message.length <= MEMO_MAX_LENGTH) causeOf.set(message, cause);
    }
    const first = failure.firstFailedAt || failure.lastFailedAt || "";
    const last = failure.lastFailedAt || failure.firstFailedAt || "";
    let group = groups.get(cause);
    if (group === undefined) {
      group = { cause, count: 0, kindCounts: new Map(), exampleIds: [], firstFailedAt: first, lastFailedAt: last };
      groups.set(cause, group);
    }
    group.count += 1;
    group.kindCounts.set(failure.kind, (group.kindCounts.get(failure.kind) ?? 0) + 1);
    if (group.exampleIds.length < examples) group.exampleIds.push(String(failure.id));
    if (first !== "" && (group.firstFailedAt === "" || first < group.firstFailedAt)) group.firstFailedAt = first;
    if (last !== "" && last > group.lastFailedAt) group.lastFailedAt = last;
  }

  const result: FailureGroup[] = [];
  for (const group of groups.values()) {
    result.push({
      cause: group.cause,
      count: group.count,
      kind: mostCommonKind(group.kindCounts),
      exampleIds: group.exampleIds,
      firstFailedAt: group.firstFailedAt,
      lastFailedAt: group.lastFailedAt,
    });
  }
  result.sort(
    (a, b) =>
      b.count - a.count ||
      (a.lastFailedAt < b.lastFailedAt ? 1 : a.lastFailedAt > b.lastFailedAt ? -1 : 0) ||
      (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0),
  );
  return result;
}

function mostCommonKind(counts: Map<FailureKind, number>): FailureKind {
  let best: FailureKind | undefined;
  let bestCount = -1;
  for (const kind of KIND_ORDER) {
    const n = counts.get(kind) ?? 0;
    if (n > bestCount) {
      best = kind;
      bestCount = n;
    }
  }
  // A kind outside the known ones (a hand-edited failures.json) still gets counted.
  for (const [kind, n] of counts) {
    if (n > bestCount) {
      best = kind;
      bestCount = n;
    }
  }
  return best ?? "permanent";
}
