import { Command, CommanderError, Option } from "commander";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import {
  ConfigError,
  StateError,
  StateWriteError,
  StoppedBeforeStartError,
  runFromSettings,
  parseRunSettings,
  SETTING_DEFAULTS,
  type RawSettings,
  type SettingName,
  realSystem,
  describeRunResult,
  type RunBatchResult,
} from "../core/index.js";
import { failuresCommand, FAILURE_FORMATS } from "./failures-command.js";
import type { CliIo } from "./cli-io.js";
import { ProgressDisplay } from "./progress-display.js";
import { processStopSource } from "../shared/process-stop-source.js";
import { statusCommand } from "./status-command.js";
import { reportCommand } from "./report-command.js";
import { VERSION } from "./version.js";
import { logCommand, resultsCommand } from "./results-command.js";
import { rejectEmptyValues } from "./empty-values.js";
import { LOG_FORMATS, RESULT_FORMATS, type LogFormat, type ResultFormat } from "../report/results-export.js";

export type { CliIo } from "./cli-io.js";

export const DEFAULT_STATE_DIR = ".resumable-batch";
/**
 * Budget kept after the last item for flushing the journal and compacting the snapshot.
 * Less than the action's RESERVE_MS: a local run saves nothing to a service afterwards.
 */
const CLI_RESERVE_MS = 1000;
/** The progress bar redraws this often on a terminal; piped output gets a line this often. */
const TTY_PROGRESS_INTERVAL_MS = 250;
const LOG_PROGRESS_INTERVAL_MS = 1000;

/** Runs the command line; returns the exit status (see the README's table). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command("resumable-batch")
    .description("Work through a long list of items; resume where the last run stopped.")
    .version(VERSION, "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError("(run with --help for usage)")
    .hook("preAction", (_program, command) => rejectEmptyValues(command.opts()));
  addRunCommand(program, io, setExitCode);
  addStateCommands(program, io, setExitCode);
  addExportCommands(program, io, setExitCode);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return exitCodeForError(error, io);
  }
}

/** Told the exit status of the command that ran. */
type SetExitCode = (code: number) => void;

/** `run`: the settings shared with the action, as flags named like its inputs. */
function addRunCommand(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  const flag = (name: SettingName, arg: string, description: string) =>
    new Option(
      `--${name} <${arg}>`,
      description + (name in SETTING_DEFAULTS ? ` (default ${SETTING_DEFAULTS[name as keyof typeof SETTING_DEFAULTS]})` : ""),
    );

  program
    .command("run")
    .description("process the items not done yet, saving progress as it goes")
    .addOption(flag("items", "file", "file of items: .jsonl/.ndjson, .json (array), .csv (with header), else one item per line"))
    .addOption(flag("items-command", "cmd", "command whose standard output lists the items (JSON Lines unless --items-format)"))
    .addOption(flag("items-format", "format", "jsonl, json, csv or lines (default: by the file's extension)"))
    .addOption(flag("id-field", "name", "field holding each item's id; dots reach into nested objects"))
    .addOption(flag("run", "cmd", "command run once per item; the item's JSON is on stdin and in ITEM_JSON"))
    .addOption(flag("module", "file", "JavaScript module whose default export is async (item, ctx) => {}"))
    .addOption(flag("worker", "cmd", "long-lived command answering one JSON line per item (see the README)"))
    .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
    .addOption(flag("concurrency", "n", "items in flight at once"))
    .addOption(flag("max-attempts", "n", "attempts per item in one run"))
    .addOption(flag("backoff", "duration", "first retry delay, doubled each attempt, with jitter"))
    .addOption(flag("backoff-max", "duration", "longest retry delay"))
    .addOption(flag("item-timeout", "duration", "stop an attempt after this long (counts as a timeout, retried)"))
    .addOption(flag("time-budget", "duration", "stop starting items when this run's time runs low; exit 3"))
    .addOption(flag("shutdown-grace", "duration", "on SIGINT/SIGTERM, time in-flight items get before they are stopped"))
    .addOption(flag("transient-exit-codes", "list", "exit codes of --run that mean 'retry later'"))
    .addOption(flag("max-runs-per-item", "n", "runs an item may fail transiently before it is quarantined"))
    .addOption(flag("max-failure-rate", "share", "stop early when more than this share of items fail, like 0.2; exit 4"))
    .addOption(
      flag(
        "max-consecutive-failures",
        "n",
        "stop early after this many failures in a row with no success in this run; exit 4 (default 25, off in --retry-failures; 0 disables)",
      ),
    )
    .addOption(flag("rate-limit", "rate", "most item starts per unit, like 20/s or 600/m"))
    .addOption(flag("shard", "i/n", "process only the items whose id hashes to shard i of n"))
    .option("--retry-failures", "re-attempt only the items in failures.json")
    .addOption(
      flag(
        "repeat",
        "duration",
        "start a new pass over every item once the current one is complete and this long has passed since it started, like 1d",
      ),
    )
    .option("--new-pass", "start the next pass now: every item is processed again")
    .option("--reprocess-changed", "process an item again when its content changed since it was done")
    .addOption(flag("version-field", "name", "with --reprocess-changed: compare this field (updatedAt, an etag) instead of the whole item"))
    .option("--results", "keep what the handler produces per item (see `resumable-batch results`)")
    .addOption(flag("retry-filter", "filter", "with --retry-failures: cause:TEXT, kind:KIND or a file of ids"))
    .option("--only-cause <text>", "with --retry-failures: only failures whose reason contains this text")
    .option("--only-kind <kind>", "with --retry-failures: only failures of this kind (transient, permanent, timeout, quarantined)")
    .option("--only-ids <file>", "with --retry-failures: only the failed items whose ids this file lists, one a line")
    .addOption(flag("redo-ids", "file", "process the done items listed in this file again, with a new idempotency key"))
    .addOption(flag("redact-env", "names", "environment variables (comma-separated) whose values are replaced by *** in every stored error text"))
    .addOption(flag("max-result-size", "size", "a larger result fails its item, like 64KiB or 1MiB"))
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      setExitCode(await runCommand(opts, io));
    });
}

/** `status` and `failures`: what a state folder holds. */
function addStateCommands(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  program
    .command("status")
    .description("show what is done, failed and left in a state folder")
    .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
    .option("--json", "print as JSON")
    .action((opts: { stateDir?: string; json?: boolean }) => {
      setExitCode(statusCommand(resolveStateDir(opts.stateDir, io), Boolean(opts.json), io));
    });

  program
    .command("failures")
    .description("print the failed items with their reasons")
    .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
    .addOption(new Option("--format <format>", "json, csv or markdown").choices(FAILURE_FORMATS).default("json"))
    .action((opts: { stateDir?: string; format: (typeof FAILURE_FORMATS)[number] }) => {
      setExitCode(failuresCommand(resolveStateDir(opts.stateDir, io), opts.format, io));
    });
}

/** `results`, `log` and `report`: a state folder's contents exported for people and tools. */
function addExportCommands(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  program
    .command("results")
    .description("print every item's last success (id, result, finishedAt, durationMs, attempts), streamed")
    .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
    .addOption(new Option("--format <format>", "jsonl, csv or json").choices(RESULT_FORMATS).default("jsonl"))
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (opts: { stateDir?: string; format: ResultFormat; out?: string }) => {
      setExitCode(await resultsCommand(resolveStateDir(opts.stateDir, io), opts.format, opts.out && resolve(io.cwd, opts.out), io));
    });

  program
    .command("log")
    .description("print the job log: every outcome with its start, duration, attempts and exit status, failures included")
    .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
    .addOption(new Option("--format <format>", "jsonl or csv").choices(LOG_FORMATS).default("jsonl"))
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (opts: { stateDir?: string; format: LogFormat; out?: string }) => {
      setExitCode(await logCommand(resolveStateDir(opts.stateDir, io), opts.format, opts.out && resolve(io.cwd, opts.out), io));
    });

  program
    .command("report")
    .description("write report.html (and summary.md) into the state folder, or merge shards' folders")
    .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
    .option("--html [file]", "write the HTML report (default <state-dir>/report.html)")
    .option("--from <dirs...>", "merge these state folders (one per shard) into one report")
    .option("--out <dir>", "with --from: folder for the merged failures.json, summary.md and report.html")
    .action(async (opts: { stateDir?: string; html?: string | boolean; from?: string[]; out?: string }) => {
      setExitCode(await reportCommand({ stateDir: resolveStateDir(opts.stateDir, io), html: opts.html, from: opts.from, out: opts.out }, io));
    });
}

/** Help and version exit 0; bad usage, configuration, state and anything unexpected exit 2; a state write error 5; a stop before the start 130/143. */
function exitCodeForError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; everything else commander rejects is bad usage.
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof ConfigError || error instanceof StateError) {
    io.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  if (error instanceof StateWriteError) {
    io.stderr.write(`error: ${error.message}\n`);
    return 5;
  }
  if (error instanceof StoppedBeforeStartError) {
    io.stderr.write(`stopped: ${error.message}. Run again to start.\n`);
    return error.exitCode;
  }
  io.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return 2;
}

function resolveStateDir(dir: string | undefined, io: CliIo): string {
  return resolve(io.cwd, dir ?? DEFAULT_STATE_DIR);
}

async function runCommand(opts: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  const raw: RawSettings = {};
  for (const [key, value] of Object.entries(opts)) {
    const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) as SettingName;
    raw[kebab] = value;
  }
  const filter = retryFilterOfFlags(opts);
  // An error about the retry filter names the flag the user typed (--only-kind, not --retry-filter).
  const nameOf = (key: SettingName) => (key === "retry-filter" && filter ? filter.flag : `--${key}`);
  raw["retry-filter"] = filter?.value;
  const settings = parseRunSettings(raw, nameOf);
  const stateDir = resolveStateDir(opts.stateDir as string | undefined, io);
  const display = new ProgressDisplay(io.stderr, Boolean(io.stderr.isTTY));
  let result: RunBatchResult;
  try {
    result = await runFromSettings(settings, {
      stateDir,
      tempDir: tmpdir(),
      cwd: io.cwd,
      env: io.env,
      system: realSystem,
      stops: processStopSource(),
      log: display,
      runId: "local",
      runAttempt: 1,
      idempotencyNamespace: "",
      reserveMs: CLI_RESERVE_MS,
      nameOf,
      onProgress: (p) => display.update(p),
      progressIntervalMs: io.stderr.isTTY ? TTY_PROGRESS_INTERVAL_MS : LOG_PROGRESS_INTERVAL_MS,
    });
  } finally {
    display.finish();
  }
  // The hints name this run's state folder and handler, so they work when pasted.
  const stateDirArgs = typeof opts.stateDir === "string" ? ["--state-dir", opts.stateDir] : [];
  const handlerArgs = (["run", "module", "worker"] as const).flatMap((k) => (typeof opts[k] === "string" ? [`--${k}`, opts[k] as string] : []));
  io.stderr.write(summaryLine(result, stateDir, { stateDirArgs, handlerArgs }) + "\n");
  return result.exitCode;
}

/**
 * `--only-cause TEXT`, `--only-kind KIND` and `--only-ids FILE` are the command line's
 * spellings of `--retry-filter cause:TEXT`, `kind:KIND` and `FILE` (the action input).
 */
function retryFilterOfFlags(opts: Record<string, string | boolean | undefined>): { flag: string; value: string } | undefined {
  const given = [
    typeof opts.retryFilter === "string" ? { flag: "--retry-filter", value: opts.retryFilter } : undefined,
    typeof opts.onlyCause === "string" ? { flag: "--only-cause", value: `cause:${opts.onlyCause}` } : undefined,
    typeof opts.onlyKind === "string" ? { flag: "--only-kind", value: `kind:${opts.onlyKind}` } : undefined,
    typeof opts.onlyIds === "string" ? { flag: "--only-ids", value: opts.onlyIds } : undefined,
  ].filter((g) => g !== undefined);
  if (given.length > 1) throw new ConfigError(`give one of ${given.map((g) => g.flag).join(", ")}: a retry takes one filter`);
  if (given.length === 1 && opts.retryFailures !== true)
    throw new ConfigError(`${given[0]!.flag} chooses which failures to re-attempt: it needs --retry-failures`);
  return given[0];
}

/** Quotes an argument for a POSIX shell, only when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function summaryLine(r: RunBatchResult, stateDir: string, hint: { stateDirArgs: string[]; handlerArgs: string[] }): string {
  const command = (...args: string[]) => ["resumable-batch", ...args].map(shellQuote).join(" ");
  const lines = [describeRunResult(r)];
  if (r.stopReason === "budget") lines.push("stopped: the time budget ran low. Run again to resume (exit 3).");
  if (r.stopReason === "signal") lines.push("stopped by a signal; progress is saved. Run again to resume.");
  if (r.stopReason === "failure-rate")
    lines.push("stopped early: too many items failed (max-failure-rate or max-consecutive-failures). Fix the cause, then run again (exit 4).");
  if (r.stopReason === "handler-error") lines.push(`error: ${r.stopMessage ?? "the handler could not run"} (exit 2)`);
  if (r.failuresTotal > 0) {
    lines.push(
      `${r.failuresTotal} failed item(s) in ${stateDir}/failures.json — list them with \`${command("failures", ...hint.stateDirArgs)}\`, ` +
        `re-attempt them with \`${command("run", "--retry-failures", ...hint.handlerArgs, ...hint.stateDirArgs)}\``,
    );
  }
  return lines.join("\n");
}
