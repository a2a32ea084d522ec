import type { LineBatch } from "./line-reader.js";
import type { SourceProblem } from "./source-problem.js";

type Phase = "before" | "between" | "element" | "after";

export interface JsonElement {
  text: string;
  /** Line where the element starts. */
  line: number;
  /** The element parsed, when the splitter parsed it already (an element on a line of its own). */
  value?: unknown;
  problem?: undefined;
}

/**
 * Failed tries of the one-element-a-line path after which a file is split character by
 * character only: a file laid out otherwise (elements spanning lines) then pays for at
 * most this many failed JSON.parse calls.
 */
const MAX_LINE_PARSE_MISSES = 1000;

/**
 * Splits a top-level JSON array into the text of its elements, streaming, so a file of
 * millions of items is never parsed as one value (which would hold it in memory twice)
 * and each element keeps the line it starts on for error messages. It tracks only
 * strings and bracket depth; each element's text is then checked by JSON.parse.
 *
 * The usual layout, one object a line followed by a comma (`jq`, `JSON.stringify` of rows
 * joined with ",\n"), is taken a line at a time: when the line holds exactly one valid
 * JSON value before its last comma, that value is the element the character loop would
 * have found (inside a valid value no comma or bracket closes it early), and the loop,
 * which cost a native parse's time again in JavaScript, is skipped for it.
 */
export function splitJsonArray(
  lines: AsyncIterable<LineBatch>,
  /** Try a line at a time first (off: the character loop alone, to compare against). */
  wholeLines = true,
): AsyncGenerator<Array<JsonElement | { problem: SourceProblem }>> {
  return splitJsonArrayInto(lines, AS_ELEMENTS, wholeLines);
}

/**
 * What the splitter makes of each element and problem: a reader makes its entries
 * straight away rather than from an object per element made first (two objects less per
 * item and pass).
 */
export interface ElementMaker<T> {
  /** An element as text, not parsed yet. */
  text(text: string, line: number): T;
  /** An element the splitter parsed already (alone on its line). */
  parsed(text: string, line: number, value: unknown): T;
  problem(problem: SourceProblem): T;
}

const AS_ELEMENTS: ElementMaker<JsonElement | { problem: SourceProblem }> = {
  text: (text, line) => ({ text, line }),
  parsed: (text, line, value) => ({ text, line, value }),
  problem: (problem) => ({ problem }),
};

/** splitJsonArray, each element and problem made by `make`. */
// eslint-disable-next-line max-lines-per-function -- one state machine over each chunk's characters; its state lives in locals the loop updates (per-character hot path)
export async function* splitJsonArrayInto<T>(lines: AsyncIterable<LineBatch>, make: ElementMaker<T>, wholeLines = true): AsyncGenerator<T[]> {
  let phase: Phase = "before";
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let elementLine = 0;
  let lastLine = 0;
  let expectElement = true;
  let lineParseMisses = wholeLines ? 0 : MAX_LINE_PARSE_MISSES;

  for await (const { texts, firstLine } of lines) {
    const out: T[] = [];
    for (let lineIndex = 0; lineIndex < texts.length; lineIndex++) {
      const text = texts[lineIndex]!;
      const line = firstLine + lineIndex;
      lastLine = line;
      if ((phase as Phase) === "between" && expectElement && lineParseMisses < MAX_LINE_PARSE_MISSES) {
        const start = skipBlanks(text);
        const end = wholeLineEnd(text, start);
        if (end !== -1) {
          const elementText = text.slice(start, end);
          let value: unknown;
          try {
            value = JSON.parse(elementText);
          } catch {
            value = NOT_PARSED;
          }
          if (value !== NOT_PARSED) {
            out.push(make.parsed(elementText, line, value));
            elementLine = line;
            continue;
          }
          lineParseMisses++; // looked like one, did not parse: the character loop takes the line
        }
      }
      let segmentStart = phase === "element" ? 0 : -1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (phase === "element") {
          if (inString) {
            if (escaped) escaped = false;
            else if (c === 0x5c) escaped = true;
            else if (c === 0x22) inString = false;
            continue;
          }
          if (c === 0x22) inString = true;
          else if (c === 0x7b || c === 0x5b) depth++;
          else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
          else if ((c === 0x2c || c === 0x5d) && depth === 0) {
            parts.push(text.slice(segmentStart, i));
            out.push(make.text(parts.join("\n"), elementLine));
            parts = [];
            segmentStart = -1;
            phase = c === 0x2c ? "between" : "after";
            expectElement = c === 0x2c;
          }
          continue;
        }
        if (c === 0x20 || c === 0x09) continue;
        if (phase === "before") {
          if (c !== 0x5b) {
            out.push(make.problem({ line, message: "expected a JSON array of items ('[' first); use --items-format jsonl for one object a line" }));
            yield out;
            return;
          }
          phase = "between";
          expectElement = true;
        } else if (phase === "between") {
          if (c === 0x5d && !expectElement) {
            phase = "after";
          } else if (c === 0x5d && expectElement && parts.length === 0 && elementLine === 0) {
            phase = "after"; // the empty array []
          } else if (c === 0x2c) {
            out.push(make.problem({ line, message: "unexpected ',' in the array (an empty element?)" }));
          } else {
            phase = "element";
            elementLine = line;
            segmentStart = i;
            depth = 0;
            i--; // let the element branch see this character
          }
        } else {
          out.push(make.problem({ line, message: "unexpected text after the end of the JSON array" }));
          yield out;
          return;
        }
      }
      if (phase === "element") parts.push(text.slice(segmentStart === -1 ? 0 : segmentStart));
    }
    if (out.length > 0) yield out;
  }
  if ((phase as Phase) === "before") return; // an empty file: no items
  if ((phase as Phase) !== "after") {
    yield [make.problem({ line: lastLine, message: "the JSON array is not closed (the file is truncated?)" })];
  }
}

/** A value JSON.parse never returns: the line did not parse. */
const NOT_PARSED = Symbol("not parsed");

/** Where the line's text starts after spaces and tabs. */
function skipBlanks(text: string): number {
  let start = 0;
  while (start < text.length && isBlank(text.charCodeAt(start))) start++;
  return start;
}

/**
 * When the line looks like one JSON object and a comma from `start` (spaces and tabs
 * after them allowed): the end of the object's text; else -1.
 */
function wholeLineEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== 0x7b) return -1;
  let end = text.length - 1;
  while (end > start && isBlank(text.charCodeAt(end))) end--;
  return text.charCodeAt(end) === 0x2c ? end : -1;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
