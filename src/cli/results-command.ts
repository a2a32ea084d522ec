import { createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { listSegments } from "../core/index.js";
import { exportLog, exportResults, type LogFormat, type ResultFormat } from "../report/results-export.js";
import { isGoneReaderError } from "../shared/broken-output.js";
import type { CliIo } from "./cli-io.js";

/** `resumable-batch results`: every item's last success, with its result when --results kept one. */
export async function resultsCommand(stateDir: string, format: ResultFormat, outPath: string | undefined, io: CliIo): Promise<number> {
  return withOutput(stateDir, outPath, io, "results", (out) => exportResults(stateDir, format, out));
}

/** `resumable-batch log`: the job log, every outcome (failures too), oldest first. */
export async function logCommand(stateDir: string, format: LogFormat, outPath: string | undefined, io: CliIo): Promise<number> {
  return withOutput(stateDir, outPath, io, "outcome(s)", (out) => exportLog(stateDir, format, out));
}

async function withOutput(
  stateDir: string,
  outPath: string | undefined,
  io: CliIo,
  what: string,
  write: (out: Writable) => Promise<number>,
): Promise<number> {
  if (!existsSync(stateDir)) {
    io.stderr.write(`error: ${stateDir} does not exist; give the state folder with --state-dir\n`);
    return 2;
  }
  if (listSegments(stateDir).length === 0)
    io.stderr.write(`${stateDir}: no job log yet (no run has finished an item here since outcomes were kept)\n`);
  if (outPath === undefined) {
    try {
      await write(io.stdout);
    } catch (error) {
      // `results | head -1`: the reader has what it wanted and left; nothing failed here.
      if (!isGoneReaderError(error)) throw error;
    }
    return 0;
  }
  const file = createWriteStream(outPath);
  const opened = once(file, "open");
  await Promise.race([opened, once(file, "error").then(([error]) => Promise.reject(error as Error))]);
  const count = await write(file);
  file.end();
  await once(file, "finish");
  io.stderr.write(`${count} ${what} written to ${outPath}\n`);
  return 0;
}
