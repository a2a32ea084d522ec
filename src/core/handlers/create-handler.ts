import type { HandlerSpec } from "../config/settings.js";
import type { System } from "../platform/system.js";
import { createCommandHandler } from "./command/command-handler.js";
import type { Handler } from "./handler.js";
import { createModuleHandler, loadModuleFunction } from "./module-handler.js";
import { createWorkerHandler } from "./worker-handler.js";

export interface HandlerEnvironment {
  system: System;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  transientExitCodes: ReadonlySet<number>;
  /** After SIGTERM to a handler's process group, wait this long before SIGKILL. */
  killGraceMs: number;
  /** Told when commands fall back to Node's (slower) spawn; not an error. */
  log?: (message: string) => void;
  /** Told about a handler that misbehaves without failing (a worker's answers without ids). */
  warn?: (message: string) => void;
  /** How the user named the handler setting, for errors (`--module` or input `module`). */
  nameOf: (key: "run" | "module" | "worker") => string;
  /** Keep what the handler produces (--results), up to this many bytes; undefined: results are off. */
  maxResultBytes?: number;
}

export async function createHandler(spec: HandlerSpec, environment: HandlerEnvironment): Promise<Handler> {
  switch (spec.kind) {
    case "command":
      return createCommandHandler({
        command: spec.command,
        cwd: environment.cwd,
        transientExitCodes: environment.transientExitCodes,
        killGraceMs: environment.killGraceMs,
        env: environment.env,
        system: environment.system,
        name: environment.nameOf("run"),
        maxResultBytes: environment.maxResultBytes,
        onSpawnServerFallback: (reason) =>
          environment.log?.(`commands start with Node's spawn, which is slower for short commands (python3 spawn helper: ${reason})`),
      });
    case "module":
      return createModuleHandler(
        await loadModuleFunction(spec.file, environment.nameOf("module")),
        environment.system.nowMs,
        environment.maxResultBytes !== undefined,
      );
    case "worker":
      return createWorkerHandler({
        command: spec.command,
        cwd: environment.cwd,
        killGraceMs: environment.killGraceMs,
        env: environment.env,
        system: environment.system,
        name: environment.nameOf("worker"),
        keepResults: environment.maxResultBytes !== undefined,
        warn: (message) => (environment.warn ?? environment.log)?.(message),
      });
  }
}
