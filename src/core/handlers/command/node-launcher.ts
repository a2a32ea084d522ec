import type { ChildProcess } from "node:child_process";
import type { System } from "../../platform/system.js";
import type { Launcher, LaunchOutcome } from "./launcher.js";
import { OutputHead, OutputTail } from "./output-tail.js";

export interface NodeLauncherOptions {
  command: string;
  cwd?: string;
  env: NodeJS.ProcessEnv;
  system: System;
}

/** Runs `/bin/sh -c command` with Node's child_process.spawn: the path that needs nothing else. */
export function createNodeLauncher(options: NodeLauncherOptions): Launcher {
  return {
    launch(request, onStarted) {
      const env: NodeJS.ProcessEnv = { ...options.env, ...request.env };
      for (const [key, value] of Object.entries(request.env)) if (value === undefined) delete env[key];
      return new Promise<LaunchOutcome>((resolve) => {
        let child: ChildProcess;
        try {
          child = options.system.spawn("/bin/sh", ["-c", options.command], {
            cwd: options.cwd,
            env,
            detached: true,
            stdio: ["pipe", "pipe", "pipe"],
          });
        } catch (error) {
          resolve({ kind: "not-started", message: (error as Error).message });
          return;
        }
        if (child.pid !== undefined) onStarted(child.pid);
        const stderr = new OutputTail();
        const stdout = new OutputTail();
        const head = request.keepStdoutBytes === undefined ? undefined : new OutputHead(request.keepStdoutBytes);
        let drainTimer: (() => void) | undefined;
        const finish = (outcome: LaunchOutcome) => {
          drainTimer?.();
          resolve(outcome);
        };
        child.stdout?.on("data", (c: Buffer) => {
          stdout.push(c);
          head?.push(c);
        });
        child.stderr?.on("data", (c: Buffer) => stderr.push(c));
        // A command that does not read its input closes the pipe early: that is not an error.
        child.stdin?.on("error", () => {});
        child.stdin?.end(request.stdin);
        child.on("error", (error) => finish({ kind: "not-started", message: error.message }));
        child.on("close", (code, signal) =>
          finish({
            kind: "exited",
            code,
            signal,
            output: stderr.value() || stdout.value(),
            ...(head && code === 0 ? { stdout: head.value(), stdoutOverflow: head.overflow } : {}),
          }),
        );
        // 'close' waits for stdio to close: a grandchild that keeps our pipes open past the
        // command's own exit would hold the item forever, so close them shortly after exit.
        child.on("exit", () => {
          drainTimer = options.system.setTimer(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
          }, 1000);
        });
      });
    },
    close() {},
  };
}
