import type { System } from "../../platform/system.js";
import type { Launcher, LaunchOutcome, LaunchRequest } from "./launcher.js";
import { SpawnServer } from "./spawn-server.js";

export interface ServerLauncherOptions {
  command: string;
  cwd?: string;
  env: NodeJS.ProcessEnv;
  system: System;
  /** The Python interpreter for the spawn server. */
  python: string;
  /** Told once when no server could start and commands go through Node's spawn. */
  onFallback?: (reason: string) => void;
}

/** After this many servers died mid-run, the rest of the run uses the fallback. */
const MAX_SERVER_DEATHS = 3;

/**
 * Runs `/bin/sh -c command` through a spawn server, started at once. When no
 * server can start (no python3, too old), every launch goes to the fallback (Node's own
 * spawn). A server that dies fails the attempts it was running (as "lost"); the next
 * launch starts a new one, up to MAX_SERVER_DEATHS times.
 */
export function createServerLauncher(options: ServerLauncherOptions, fallback: Launcher): Launcher {
  let server: SpawnServer | undefined;
  let starting: Promise<SpawnServer | undefined> | undefined;
  let deaths = 0;
  let useFallback = false;
  let closed = false;

  const start = async (): Promise<SpawnServer | undefined> => {
    try {
      server = await SpawnServer.start(options);
      if (closed) server.close();
      return server;
    } catch (error) {
      useFallback = true;
      options.onFallback?.(`could not start ${options.python}: ${(error as Error).message}`);
      return undefined;
    } finally {
      starting = undefined;
    }
  };
  const current = (): SpawnServer | undefined | Promise<SpawnServer | undefined> => {
    if (useFallback) return undefined;
    if (server?.dead) {
      server = undefined;
      if (++deaths >= MAX_SERVER_DEATHS) {
        useFallback = true;
        options.onFallback?.(`the spawn server died ${deaths} times`);
      }
      return current();
    }
    return server ?? (starting ??= start());
  };

  // Start now, while the engine reads its items: the interpreter takes 20-250 ms to start.
  void current();
  return {
    async launch(request: LaunchRequest, onStarted): Promise<LaunchOutcome> {
      const s = await current();
      if (s === undefined || closed) return fallback.launch(request, onStarted);
      return s.spawn(
        { argv: ["/bin/sh", "-c", options.command], env: request.env, stdin: request.stdin, keepStdoutBytes: request.keepStdoutBytes },
        onStarted,
      );
    },
    close() {
      closed = true;
      server?.close();
      fallback.close();
    },
  };
}
