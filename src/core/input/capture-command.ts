import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { ConfigError, StoppedBeforeStartError } from "../platform/errors.js";
import { OutputTail } from "../handlers/command/output-tail.js";
import { killGroup } from "../handlers/process-group.js";
import type { StopSource } from "../run/stop-controller.js";
import type { System } from "../platform/system.js";

export interface CaptureOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  system: System;
  what: string;
  /** SIGINT/SIGTERM while the command runs: it is stopped and nothing is run (StoppedBeforeStartError). */
  stops?: StopSource;
}

/**
 * Runs the items command once and saves its standard output to a file, so the items can
 * be read twice (checked first, then processed) without running the command twice.
 * The command runs in its own process group, so a stop reaches what it started too
 * (a `curl | jq` pipeline), and the run ends with 130/143 rather than leaving it behind.
 */
export async function captureCommandOutput(command: string, outPath: string, options: CaptureOptions): Promise<void> {
  const out = createWriteStream(outPath);
  let stoppedBy: "SIGINT" | "SIGTERM" | undefined;
  let pid: number | undefined;
  // Listen before the command starts: under load it may run (and be seen running) before spawn returns.
  const unsubscribe = options.stops?.subscribe((signal) => {
    stoppedBy ??= signal;
    if (pid !== undefined) killGroup(pid, "SIGTERM");
  });
  try {
    const child = options.system.spawn("/bin/sh", ["-c", command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    pid = child.pid;
    if (stoppedBy && pid !== undefined) killGroup(pid, "SIGTERM");
    const stderr = new OutputTail();
    child.stderr?.on("data", (c: Buffer) => stderr.push(c));
    child.stdout?.pipe(out);
    const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
    if (!out.writableFinished) await once(out, "finish");
    if (stoppedBy) throw new StoppedBeforeStartError(stoppedBy);
    if (code !== 0) {
      const tail = stderr.value();
      throw new ConfigError(`${options.what}: the command exited with ${code ?? signal}${tail ? `:\n${tail}` : ""}`);
    }
  } finally {
    unsubscribe?.();
  }
}
