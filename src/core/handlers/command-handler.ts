import type { ChildProcess } from "node:child_process";
import type { System } from "../system.js";
import type { Item } from "../types.js";
import { OK, type AttemptContext, type AttemptResult, type Handler } from "./handler.js";
import { OutputTail } from "./output-tail.js";

export interface CommandHandlerOptions {
  /** The user's command line, run by /bin/sh. Item data never enters this string. */
  command: string;
  cwd?: string;
  /** Exit codes that mean "try again later" (EX_TEMPFAIL, 75, by default). */
  transientExitCodes: ReadonlySet<number>;
  /** After SIGTERM to the item's process group, wait this long before SIGKILL. */
  killGraceMs: number;
  /** Base environment for the child (process.env in production). */
  env: NodeJS.ProcessEnv;
  system: System;
}

/**
 * Linux caps one environment string at 128 KiB (MAX_ARG_STRLEN): a larger ITEM_JSON would
 * make spawn fail with E2BIG. Larger items reach the command on standard input only.
 */
export const MAX_ITEM_JSON_ENV_BYTES = 100_000;

/**
 * Runs the command once per item: the item's JSON on standard input and in ITEM_JSON,
 * with ITEM_ID, ITEM_ATTEMPT and IDEMPOTENCY_KEY. Each child leads its own process group
 * (detached), so a stop reaches the whole tree the command started, not just the shell.
 */
export function createCommandHandler(options: CommandHandlerOptions): Handler {
  // Process groups of attempts not settled yet. The runner may walk away from an attempt
  // whose command ignores SIGTERM before the SIGKILL follows (when the shutdown grace is
  // shorter than killGraceMs); close() kills what is left, so no handler outlives the run.
  const running = new Set<number>();
  return {
    run: (item, ctx) => runCommand(options, item, ctx, running),
    async close() {
      for (const pid of running) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // The group is already gone.
        }
      }
      running.clear();
    },
  };
}

function runCommand(options: CommandHandlerOptions, item: Item, ctx: AttemptContext, running: Set<number>): Promise<AttemptResult> {
  const json = JSON.stringify(item.data);
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    ITEM_ID: item.id,
    ITEM_ATTEMPT: String(ctx.attempt),
    IDEMPOTENCY_KEY: ctx.idempotencyKey,
  };
  if (json.length <= MAX_ITEM_JSON_ENV_BYTES) env.ITEM_JSON = json;
  else {
    delete env.ITEM_JSON;
    env.ITEM_JSON_ON_STDIN_ONLY = "1";
  }
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = options.system.spawn("/bin/sh", ["-c", options.command], {
        cwd: options.cwd,
        env,
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (error) {
      resolve({ ok: false, kind: "permanent", error: `could not start the command: ${(error as Error).message}` });
      return;
    }
    if (child.pid !== undefined) running.add(child.pid);
    const stderr = new OutputTail();
    const stdout = new OutputTail();
    let killTimer: (() => void) | undefined;
    let drainTimer: (() => void) | undefined;
    let settled = false;
    let stopSignal: string | undefined;

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = () => {
      stopSignal = "SIGTERM";
      killGroup("SIGTERM");
      killTimer = options.system.setTimer(() => {
        stopSignal = "SIGKILL";
        killGroup("SIGKILL");
      }, options.killGraceMs);
    };
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      if (child.pid !== undefined) running.delete(child.pid);
      ctx.signal.removeEventListener("abort", onAbort);
      killTimer?.();
      drainTimer?.();
      resolve(result);
    };

    child.stdout?.on("data", (c: Buffer) => stdout.push(c));
    child.stderr?.on("data", (c: Buffer) => stderr.push(c));
    // A command that does not read its input closes the pipe early: that is not an error.
    child.stdin?.on("error", () => {});
    child.stdin?.end(json + "\n");
    child.on("error", (error) => {
      finish({ ok: false, kind: "permanent", error: `could not start the command: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      if (code === 0) return finish(OK);
      const output = stderr.value() || stdout.value();
      if (stopSignal !== undefined || ctx.signal.aborted) {
        // The runner decides what a stop means (timeout or shutdown); this just reports it.
        return finish({ ok: false, kind: "timeout", error: `stopped with ${stopSignal ?? signal}${output ? `: ${output}` : ""}` });
      }
      if (signal) {
        return finish({ ok: false, kind: "transient", error: `killed by ${signal}${output ? `: ${output}` : ""}` });
      }
      const kind = code !== null && options.transientExitCodes.has(code) ? "transient" : "permanent";
      finish({ ok: false, kind, error: `exit code ${code}${output ? `: ${output}` : ""}` });
    });
    // 'close' waits for stdio to close: a grandchild that keeps our pipes open past the
    // command's own exit would hold the item forever, so close them shortly after exit.
    child.on("exit", () => {
      drainTimer = options.system.setTimer(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 1000);
    });
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
}
