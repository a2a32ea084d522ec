// Runs one real-client operation (client-op.mjs) in a child process with a runner's
// environment, bounded by a timeout of our own: the clients do not bound a call to a
// service that accepted the request and never answers.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLIENT_OP = fileURLToPath(new URL("./client-op.mjs", import.meta.url));
const RESULT_MARKER = "@@client-op-result@@ ";

/** Prefixes of variables a runner sets; inherited ones would leak a real CI's service into tests. */
const RUNNER_VARIABLE = /^(GITHUB_|ACTIONS_|RUNNER_|INPUT_|STATE_)/;

/**
 * The parent's environment without any runner variables, plus `runnerEnv`: what a step gets
 * (PATH and HOME are needed by tar and zstd, which @actions/cache runs).
 */
export function stepEnv(runnerEnv: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !RUNNER_VARIABLE.test(name)) base[name] = value;
  }
  return { ...base, ...runnerEnv };
}

export interface ClientOpOptions {
  /** From `FakeGitHub.runnerEnv()`; merged over the parent's environment by `stepEnv`. */
  env: Record<string, string>;
  /** Working directory. @default env.GITHUB_WORKSPACE */
  cwd?: string;
  /** Kill the child (SIGKILL) after this long. @default 60_000 */
  timeoutMs?: number;
}

export interface ClientOpResult<T> {
  /** The operation returned (exit 0 and a result line). */
  ok: boolean;
  value?: T;
  /** What the operation threw. */
  error?: { name: string; message: string };
  /** True when our timeout killed the child. */
  timedOut: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** Everything the client logged (@actions/core writes to stdout). */
  stdout: string;
  stderr: string;
}

export function runClientOp<T = unknown>(op: string, args: unknown, options: ClientOpOptions): Promise<ClientOpResult<T>> {
  const startedAt = Date.now();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, [CLIENT_OP, op, JSON.stringify(args)], {
    cwd: options.cwd ?? options.env.GITHUB_WORKSPACE,
    env: stepEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (exitCode, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARKER));
      const outcome = line
        ? (JSON.parse(line.slice(RESULT_MARKER.length)) as { ok: boolean; value?: T; error?: { name: string; message: string } })
        : { ok: false, error: { name: timedOut ? "Timeout" : "NoResult", message: `no result line (exit ${exitCode}, signal ${signal})` } };
      resolve({
        ok: outcome.ok && exitCode === 0,
        value: outcome.value,
        error: outcome.error,
        timedOut,
        exitCode,
        signal,
        durationMs: Date.now() - startedAt,
        stdout,
        stderr,
      });
    });
  });
}
