import type { System } from "../../platform/system.js";
import type { Item } from "../../platform/types.js";
import { OK, type AttemptContext, type AttemptResult, type Handler } from "../handler.js";
import type { Launcher, LaunchOutcome } from "./launcher.js";
import { createNodeLauncher } from "./node-launcher.js";
import { killGroup } from "../process-group.js";
import { createServerLauncher } from "./server-launcher.js";
import { formatBytes } from "../../outcomes/job-log-writer.js";
import { exactJson } from "../../input/exact-json.js";
import { fitsEnvironment, MAX_ENV_VALUE_BYTES, serialiseForItem } from "../item-json.js";
import { CANNOT_RUN_EXIT_CODES, describeCannotRun, isCannotStartError } from "../setup-error.js";

export interface CommandHandlerOptions {
  /** The user's command line, run by /bin/sh. Item data never enters this string. */
  command: string;
  cwd?: string;
  /** Exit codes that mean "try again later" (EX_TEMPFAIL, 75, by default). */
  transientExitCodes: ReadonlySet<number>;
  /** After SIGTERM to the item's process group, wait this long before SIGKILL. */
  killGraceMs: number;
  /**
   * Base environment for the child (process.env in production).
   * RESUMABLE_BATCH_SPAWN_SERVER=0 in it turns the spawn server off.
   */
  env: NodeJS.ProcessEnv;
  system: System;
  /**
   * The Python 3.8+ interpreter that runs the spawn server (spawn-server.ts), or false for
   * Node's own spawn. When it cannot start, Node's spawn is used.
   * @default "python3", found on env's PATH
   */
  python?: string | false;
  /** Told once when commands go through Node's spawn because no spawn server could run. */
  onSpawnServerFallback?: (reason: string) => void;
  /** Keep standard output as the item's result (--results), up to this many bytes. */
  maxResultBytes?: number;
  /** How the user named the setting (`--run`, input `run`), for setup errors. */
  name?: string;
}

/**
 * Standard output kept beyond the result cap: trailing whitespace (trimmed away) should not
 * fail an item whose result fits. What is beyond even this fails the item.
 */
const TRIM_SLACK_BYTES = 4096;

/**
 * ITEM_JSON and ITEM_ID above this many bytes of UTF-8 are left out of the environment
 * (ITEM_JSON_ON_STDIN_ONLY=1, ITEM_ID_ON_STDIN_ONLY=1): see MAX_ENV_VALUE_BYTES.
 */
export const MAX_ITEM_JSON_ENV_BYTES = MAX_ENV_VALUE_BYTES;

/**
 * Runs the command once per item: the item's JSON on standard input and in ITEM_JSON,
 * with ITEM_ID, ITEM_ATTEMPT and IDEMPOTENCY_KEY. Each child leads its own process group
 * (a new session), so a stop reaches the whole tree the command started, not just the shell.
 */
export function createCommandHandler(options: CommandHandlerOptions): Handler {
  // Process groups of attempts not settled yet. The runner may walk away from an attempt
  // whose command ignores SIGTERM before the SIGKILL follows (when the shutdown grace is
  // shorter than killGraceMs); close() kills what is left, so no handler outlives the run.
  const running = new Set<number>();
  const launcher = createLauncher(options);
  const seen = { success: false };
  return {
    run: (item, ctx) => runCommand(options, launcher, item, ctx, running).then((result) => asSetupFailure(options, result, seen)),
    async close() {
      for (const pid of running) killGroup(pid, "SIGKILL");
      running.clear();
      launcher.close();
    },
  };
}

function createLauncher(options: CommandHandlerOptions): Launcher {
  const node = createNodeLauncher(options);
  const python = options.python ?? "python3";
  if (python === false || options.env.RESUMABLE_BATCH_SPAWN_SERVER === "0") return node;
  return createServerLauncher({ ...options, python, onFallback: options.onSpawnServerFallback }, node);
}

/**
 * Exit 126/127 (or a spawn that fails with ENOENT/EACCES) before any command of this run
 * succeeded means the command cannot run at all — a script without its execute bit, a
 * path that does not exist — and says nothing about the item: a setup failure. Once one
 * item succeeded, the command demonstrably runs, and such an exit is that item's own
 * (permanent) failure, so one item's missing tool cannot hold the whole batch.
 */
function asSetupFailure(options: CommandHandlerOptions, result: AttemptResult & CannotRunMark, seen: { success: boolean }): AttemptResult {
  if (result.ok) seen.success = true;
  const cannotRun = result.cannotRun;
  if (cannotRun === undefined || result.ok) return result;
  delete result.cannotRun;
  if (seen.success && !cannotRun.always) return result;
  const error = describeCannotRun({
    what: options.name ?? "--run",
    command: options.command,
    cwd: options.cwd ?? process.cwd(),
    failure: cannotRun.failure,
    output: cannotRun.output,
  });
  return { ok: false, kind: "setup", error };
}

/** Set on a result whose command could not run (126/127, ENOENT): asSetupFailure decides. */
interface CannotRunMark {
  cannotRun?: { failure: string; output: string; always: boolean };
}

function runCommand(
  options: CommandHandlerOptions,
  launcher: Launcher,
  item: Item,
  ctx: AttemptContext,
  running: Set<number>,
): Promise<AttemptResult> {
  const exact = exactJson(item);
  const serialised = exact === undefined ? serialiseForItem(item.data) : { json: exact };
  if ("failure" in serialised) return Promise.resolve(serialised.failure);
  const json = serialised.json;
  const env: Record<string, string | undefined> = {
    ITEM_ID: item.id,
    ITEM_ATTEMPT: String(ctx.attempt),
    IDEMPOTENCY_KEY: ctx.idempotencyKey,
  };
  if (!fitsEnvironment(item.id)) {
    env.ITEM_ID = undefined;
    env.ITEM_ID_ON_STDIN_ONLY = "1";
  }
  if (fitsEnvironment(json)) env.ITEM_JSON = json;
  else {
    env.ITEM_JSON = undefined;
    env.ITEM_JSON_ON_STDIN_ONLY = "1";
  }
  return new Promise((resolve) => {
    let pid: number | undefined;
    let killTimer: (() => void) | undefined;
    let stopSignal: NodeJS.Signals | undefined;

    /** Stopped by us and ended before the SIGKILL: its group may outlive it (see finish). */
    let lingering = false;
    const onAbort = () => {
      stopSignal = "SIGTERM";
      if (pid !== undefined) killGroup(pid, "SIGTERM");
      killTimer = options.system.setTimer(() => {
        stopSignal = "SIGKILL";
        if (pid !== undefined) killGroup(pid, "SIGKILL");
        if (lingering && pid !== undefined) running.delete(pid);
      }, options.killGraceMs);
    };
    // The spawn server tells the pid a moment after the start: a stop may come first.
    const onStarted = (startedPid: number) => {
      pid = startedPid;
      running.add(pid);
      if (stopSignal !== undefined) killGroup(pid, stopSignal);
    };
    const finish = (outcome: LaunchOutcome) => {
      // Stopped with SIGTERM and ended before the SIGKILL: the command (a `sh -c` wrapper)
      // may have exited while a child that ignores SIGTERM lives on in its process group
      // (the spawn server reports an exit once the pipes stayed open 1 s). The SIGKILL
      // still comes at its time, and close() sends it to the group if the run ends first.
      lingering = stopSignal === "SIGTERM" && killTimer !== undefined && pid !== undefined;
      if (pid !== undefined) {
        // A lost attempt is retried: its command must not run on beside the retry.
        if (outcome.kind === "lost") killGroup(pid, "SIGKILL");
        if (!lingering) running.delete(pid);
      }
      ctx.signal.removeEventListener("abort", onAbort);
      if (!lingering) killTimer?.();
      resolve(resultOf(outcome, stopSignal, ctx.signal.aborted, options));
    };

    const keepStdoutBytes = options.maxResultBytes === undefined ? undefined : options.maxResultBytes + TRIM_SLACK_BYTES;
    void launcher.launch({ env, stdin: json + "\n", keepStdoutBytes }, onStarted).then(finish);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}

function resultOf(
  outcome: LaunchOutcome,
  stopSignal: string | undefined,
  aborted: boolean,
  options: CommandHandlerOptions,
): AttemptResult & CannotRunMark {
  switch (outcome.kind) {
    case "not-started": {
      const result: AttemptResult & CannotRunMark = { ok: false, kind: "permanent", error: `could not start the command: ${outcome.message}` };
      if (isCannotStartError(outcome.message)) result.cannotRun = { failure: `could not start: ${outcome.message}`, output: "", always: true };
      return result;
    }
    case "lost":
      return { ok: false, kind: "transient", error: outcome.message };
    case "exited": {
      const { code, signal, output } = outcome;
      if (code === 0)
        return outcome.stdout === undefined ? OK : stdoutResult(outcome.stdout, outcome.stdoutOverflow === true, options.maxResultBytes!);
      if (stopSignal !== undefined || aborted) {
        // The runner decides what a stop means (timeout or shutdown); this just reports it.
        return { ok: false, kind: "timeout", error: `stopped with ${stopSignal ?? signal}${output ? `: ${output}` : ""}` };
      }
      if (signal) return { ok: false, kind: "transient", error: `killed by ${signal}${output ? `: ${output}` : ""}` };
      const kind = code !== null && options.transientExitCodes.has(code) ? "transient" : "permanent";
      const result: AttemptResult & CannotRunMark = {
        ok: false,
        kind,
        error: `exit code ${code}${output ? `: ${output}` : ""}`,
        ...(code === null ? {} : { exitCode: code }),
      };
      if (code !== null && CANNOT_RUN_EXIT_CODES.has(code) && !options.transientExitCodes.has(code)) {
        result.cannotRun = { failure: `exit code ${code}: ${code === 126 ? "found but not executable" : "not found"}`, output, always: false };
      }
      return result;
    }
  }
}

/**
 * A command's result: its standard output, trimmed; JSON when it parses as JSON, else the
 * text. Empty output is no result. Output past the cap fails the item rather than being cut.
 */
export function stdoutResult(stdout: Buffer, overflow: boolean, maxResultBytes: number): AttemptResult {
  if (overflow) {
    return {
      ok: false,
      kind: "permanent",
      exitCode: 0,
      error: `standard output is over max-result-size ${formatBytes(maxResultBytes)} (a command's result is its standard output: log to stderr, or raise max-result-size)`,
    };
  }
  const text = stdout.toString("utf8").trim();
  if (text === "") return OK;
  try {
    return { ok: true, result: JSON.parse(text) as unknown };
  } catch {
    return { ok: true, result: text };
  }
}
