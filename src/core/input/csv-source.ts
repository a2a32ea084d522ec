import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import { InvalidUtf8Error, LineTooLongError, readLineBatches, ReadStoppedError, type LineBatch } from "./line-reader.js";
import type { SourceProblem } from "./source-problem.js";

/** A CSV record by its header's column names, with the line it starts on; or a problem. */
export type CsvEntry = { record: Record<string, string>; line: number; problem?: undefined } | { problem: SourceProblem };

/**
 * Streams a CSV file (a header line, then records) as batches of records, each with the
 * line it starts on. Lines are decoded (and UTF-8 checked) by readLineBatches. A read error
 * (invalid UTF-8, a line over the cap, a stop) is thrown after the records before it.
 *
 * A line with no quote and no carriage return inside is one record of its comma-separated
 * fields: that is all csv-parse makes of it (no option this reader sets changes that), and
 * splitting it here costs a tenth of csv-parse with the line numbers turned on (15 s → a
 * fraction for a 1M-row file read twice). The first line that is not such a record — a
 * quoted field, which may hold commas and newlines, or a wrong number of fields — hands
 * the rest of the file to csv-parse, which parses it or reports it as it always did.
 */
export async function* readCsvRecords(path: string, signal?: AbortSignal): AsyncGenerator<CsvEntry[]> {
  const lines = readLineBatches(path, signal)[Symbol.asyncIterator]();
  let columns: string[] | undefined;
  for (;;) {
    const next = await lines.next();
    if (next.done) return;
    const { texts, firstLine } = next.value;
    const batch: CsvEntry[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      if (text === "") continue; // skip_empty_lines, as csv-parse
      const line = firstLine + i;
      const fields = isPlainLine(text) ? text.split(",") : undefined;
      if (columns === undefined && fields !== undefined && line === 1) columns = fields;
      else if (columns !== undefined && fields !== undefined && fields.length === columns.length)
        batch.push({ record: recordOf(columns, fields), line });
      else {
        if (batch.length > 0) yield batch;
        yield* parsedByCsvParse(columns, line, restOf(texts.slice(i), lines));
        return;
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** True when a line holds no quote and no carriage return: its fields are what lies between its commas. */
function isPlainLine(text: string): boolean {
  return text.indexOf('"') === -1 && text.indexOf("\r") === -1;
}

/** The record as csv-parse builds it with `columns: true`: an object, later duplicate columns winning. */
function recordOf(columns: readonly string[], fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) record[columns[i]!] = fields[i]!;
  return record;
}

async function* restOf(first: string[], lines: AsyncIterator<LineBatch>): AsyncGenerator<string[]> {
  yield first;
  for (;;) {
    const next = await lines.next();
    if (next.done) return;
    yield next.value.texts;
  }
}

/**
 * csv-parse from line `fromLine` on. It is given the header line first (when it was read
 * already), then empty lines up to `fromLine` (skipped, but counted), so the line numbers
 * it reports — in its records' info and its own error messages — are the file's.
 */
async function* parsedByCsvParse(columns: string[] | undefined, fromLine: number, lines: AsyncIterable<string[]>): AsyncGenerator<CsvEntry[]> {
  async function* text(): AsyncGenerator<string> {
    const emptyLines = "\n".repeat(fromLine - 1);
    yield columns === undefined ? emptyLines : columns.join(",") + emptyLines;
    for await (const texts of lines) yield texts.join("\n") + "\n";
  }
  const source = Readable.from(text());
  const parser = source.pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, info: true }));
  // pipe() does not forward errors: an invalid UTF-8 line must end the parse, not hang it.
  source.on("error", (error) => parser.destroy(error));
  let batch: CsvEntry[] = [];
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      // info.lines is the line the record ends on; each newline inside a quoted field
      // moves its start one line up (the reader turned CRLF into LF).
      let startLine = row.info.lines;
      for (const value of Object.values(row.record)) {
        if (typeof value === "string") startLine -= value.split("\n").length - 1;
      }
      batch.push({ record: row.record, line: startLine });
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (batch.length > 0) yield batch;
    if (error instanceof InvalidUtf8Error || error instanceof LineTooLongError || error instanceof ReadStoppedError) throw error;
    const e = error as { lines?: number; message: string };
    yield [{ problem: { line: e.lines ?? 0, message: `CSV: ${e.message}` } }];
    return;
  }
  if (batch.length > 0) yield batch;
}
