import { buildFailuresFile, requireState, writeFailuresJson } from "../core/index.js";
import { renderFailuresMarkdown } from "../report/markdown.js";
import { formulaSafeCsv } from "../report/csv.js";
import type { CliIo } from "./cli-io.js";

export const FAILURE_FORMATS = ["json", "csv", "markdown"] as const;

/** `resumable-batch failures`: the failed items, regenerated from state. */
export function failuresCommand(stateDir: string, format: (typeof FAILURE_FORMATS)[number], io: CliIo): number {
  const { state } = requireState(stateDir);
  const file = buildFailuresFile(state);
  switch (format) {
    case "json":
      writeInPieces(io, (write) => writeFailuresJson(file, write));
      break;
    case "csv":
      io.stdout.write(
        formulaSafeCsv(
          ["id", "kind", "attempts", "firstFailedAt", "lastFailedAt", "error", "item"],
          file.failures.map((f) => [f.id, f.kind, f.attempts, f.firstFailedAt, f.lastFailedAt, f.error, JSON.stringify(f.item)]),
        ),
      );
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
