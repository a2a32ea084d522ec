import { buildFailuresFile, requireState, writeFailuresJson } from "../core/index.js";
import { renderFailuresMarkdown } from "../report/markdown.js";
import { formulaSafeCsv } from "../report/csv.js";
import type { CliIo } from "./cli-io.js";

export const FAILURE_FORMATS = ["json", "csv", "markdown"] as const;
const CSV_COLUMNS = ["id", "kind", "attempts", "firstFailedAt", "lastFailedAt", "error", "item"];
const CSV_ROWS_PER_PIECE = 1000;

/** `resumable-batch failures`: the failed items, regenerated from state. */
export function failuresCommand(stateDir: string, format: (typeof FAILURE_FORMATS)[number], io: CliIo): number {
  const { state } = requireState(stateDir);
  const file = buildFailuresFile(state);
  switch (format) {
    case "json":
      writeInPieces(io, (write) => writeFailuresJson(file, write));
      break;
    case "csv":
      writeInPieces(io, (write) => {
        // A thousand rows at a time: each row carries its item, and all of them may not fit one string.
        for (let i = 0; i === 0 || i < file.failures.length; i += CSV_ROWS_PER_PIECE) {
          const rows = file.failures
            .slice(i, i + CSV_ROWS_PER_PIECE)
            .map((f) => [f.id, f.kind, f.attempts, f.firstFailedAt, f.lastFailedAt, f.error, JSON.stringify(f.item)]);
          const csv = formulaSafeCsv(CSV_COLUMNS, rows);
          write(i === 0 ? csv : csv.slice(csv.indexOf("\n") + 1)); // the header once
        }
      });
      break;
    case "markdown":
      io.stdout.write(file.failures.length === 0 ? "No failed items.\n" : renderFailuresMarkdown(file.failures) + "\n");
      break;
  }
  return 0;
}

/** Writes to stdout in pieces of about 1 MiB: the whole text may be larger than one string. */
function writeInPieces(io: CliIo, produce: (write: (text: string) => void) => void): void {
  let buffer = "";
  produce((text) => {
    buffer += text;
    if (buffer.length >= 1 << 20) {
      io.stdout.write(buffer);
      buffer = "";
    }
  });
  if (buffer.length > 0) io.stdout.write(buffer);
}
