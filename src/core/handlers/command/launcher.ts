/** One run of the item command, as the command handler asks for it. */
export interface LaunchRequest {
  /** Changes to the handler's base environment; undefined removes the variable. */
  env: Record<string, string | undefined>;
  /** Written to the command's standard input, then closed. */
  stdin: string;
  /** Keep the first this many bytes of standard output for a command that exits 0 (--results). */
  keepStdoutBytes?: number;
}

/** How a run of the command ended. */
export type LaunchOutcome =
  /** It ran and exited; output is the stderr tail, or the stdout tail when stderr is empty. */
  | {
      kind: "exited";
      code: number | null;
      signal: string | null;
      output: string;
      /** With keepStdoutBytes and exit 0: the head of standard output, and whether there was more. */
      stdout?: Buffer;
      stdoutOverflow?: boolean;
    }
  /** It never started (spawn failed: ENOENT, E2BIG, …). */
  | { kind: "not-started"; message: string }
  /** Whatever ran it went away before it could tell how the command ended. */
  | { kind: "lost"; message: string };

/**
 * Starts the command in its own process group (session) and reports how it ended. The
 * caller stops a command by signalling the group whose id onStarted gave it.
 */
export interface Launcher {
  launch(request: LaunchRequest, onStarted: (pid: number) => void): Promise<LaunchOutcome>;
  close(): void;
}
