import { join } from "node:path";
import { JournalWriter } from "../state/journal-writer.js";
import type { System } from "../platform/system.js";
import type { FailureKind } from "../platform/types.js";
import { appendSuccessLine, extraMembers, failureLine, ResultKeys, successLine, type SegmentHeader } from "./outcome-lines.js";
import { segmentFileName } from "./outcome-files.js";

/** The default cap on one result: 64 KiB of JSON. */
export const DEFAULT_MAX_RESULT_BYTES = 64 * 1024;

export interface JobLogOptions {
  stateDir: string;
  /** The run's sequence number: its segment is outcomes-<seq>.jsonl. */
  seq: number;
  runId: string;
  runAttempt: number;
  handlerKind: "command" | "module" | "worker";
  shard?: string;
  pass?: number;
  /** Keep what handlers return (--results); without it only the outcomes are logged. */
  results: boolean;
  maxResultBytes: number;
  /** Ids processed again on purpose (--redo-ids): their lines say so. */
  redoIds?: ReadonlySet<string>;
  system: System;
  flushIntervalMs: number;
  /** Told once when a write fails (a full disk): the writer stops writing, the run stops. */
  onWriteError?: (error: unknown) => void;
}

/** Where outcomes go: this run's segment of the job log, or nowhere (measuring its cost). */
export interface JobLog {
  serialise(result: unknown): SerialisedResult;
  success(id: string, startedAtMs: number, durationMs: number, attempts: number, resultJson: string | undefined): void;
  failure(
    id: string,
    startedAtMs: number,
    durationMs: number,
    attempts: number,
    kind: FailureKind,
    error: string,
    exitCode: number | undefined,
  ): void;
  close(): void;
}

/** No job log: what `npm run bench` compares the job log's cost against. */
export const NO_JOB_LOG: JobLog = {
  serialise: () => ({ ok: true, json: undefined }),
  success() {},
  failure() {},
  close() {},
};

/** A result ready to record, or why it cannot be. */
export type SerialisedResult = { ok: true; json: string | undefined } | { ok: false; error: string };

/**
 * Appends one line per finished item to this run's segment of the job log, batched like
 * the journal (same interval, and flushed first, so an item the journal calls done has
 * its outcome on disk too).
 */
export class JobLogWriter implements JobLog {
  private readonly writer: JournalWriter;
  private readonly redoExtra: string;
  private readonly resultKeys = new ResultKeys();

  constructor(private readonly o: JobLogOptions) {
    const path = join(o.stateDir, segmentFileName(o.seq));
    this.writer = new JournalWriter(path, o.system, o.flushIntervalMs, undefined, o.onWriteError);
    const header: SegmentHeader = { t: "seg", v: 1, seq: o.seq, run: o.runId, att: o.runAttempt, h: o.handlerKind };
    if (o.shard !== undefined) header.shard = o.shard;
    if (o.pass !== undefined) header.pass = o.pass;
    // A segment of the same seq exists only when an earlier start of this run was killed;
    // the JournalWriter starts on a new line after a torn last line there.
    this.writer.append(JSON.stringify(header) + "\n");
    this.redoExtra = extraMembers({ redone: true });
  }

  /** Serialises a handler's result under the cap; undefined (no result) when results are off. */
  serialise(result: unknown): SerialisedResult {
    if (!this.o.results || result === undefined) return { ok: true, json: undefined };
    let json: string | undefined;
    try {
      json = JSON.stringify(result);
    } catch (error) {
      return { ok: false, error: `the result is not JSON-serialisable: ${(error as Error).message}` };
    }
    if (json === undefined) return { ok: true, json: undefined }; // a function or symbol: no result
    // Cheap first: a string's UTF-8 size is at most three bytes per UTF-16 unit.
    if (json.length * 3 > this.o.maxResultBytes) {
      const bytes = Buffer.byteLength(json);
      if (bytes > this.o.maxResultBytes) return { ok: false, error: resultTooLarge(bytes, this.o.maxResultBytes) };
    }
    this.resultKeys.add(result);
    return { ok: true, json };
  }

  success(id: string, startedAtMs: number, durationMs: number, attempts: number, resultJson: string | undefined): void {
    const extra = this.extraFor(id);
    if (extra === "" && resultJson === undefined) appendSuccessLine(this.writer, id, startedAtMs, durationMs, attempts);
    else this.writer.append(successLine(id, startedAtMs, durationMs, attempts, extra, resultJson));
  }

  failure(
    id: string,
    startedAtMs: number,
    durationMs: number,
    attempts: number,
    kind: FailureKind,
    error: string,
    exitCode: number | undefined,
  ): void {
    this.writer.append(failureLine(id, startedAtMs, durationMs, attempts, kind, error, exitCode, this.extraFor(id)));
  }

  flush(): void {
    this.writer.flush();
  }

  close(): void {
    // Written only by a run that got to its end: a segment without it is read in full.
    if (this.o.results) this.writer.append(this.resultKeys.line());
    this.writer.close();
  }

  private extraFor(id: string): string {
    // size first: has() hashes the id, a string read from the items whose hash is not cached yet.
    return this.o.redoIds !== undefined && this.o.redoIds.size > 0 && this.o.redoIds.has(id) ? this.redoExtra : "";
  }
}

/** The failure reason for a result over the cap; the same words for every handler kind. */
export function resultTooLarge(bytes: number, maxBytes: number): string {
  return `the result is ${formatBytes(bytes)}, over max-result-size ${formatBytes(maxBytes)}: return less, or raise max-result-size`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
