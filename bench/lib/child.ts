import { spawn, type StdioOptions } from "node:child_process";
import { openSync, closeSync } from "node:fs";

export interface Timed {
  /** Wall time from spawn to exit, in the parent. */
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end and times it from the parent (startup included, as a user
 * waits for it). Standard input comes from `stdinFile` when given; a timeout kills it.
 */
export function timeCommand(
  command: string,
  args: string[],
  options: { stdinFile?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Timed> {
  const stdinFd = options.stdinFile ? openSync(options.stdinFile, "r") : undefined;
  const stdio: StdioOptions = [stdinFd ?? "ignore", "pipe", "pipe"];
  const startedAt = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio });
  if (stdinFd !== undefined) closeSync(stdinFd);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (stdout = (stdout + t).slice(-20_000)));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr = (stderr + t).slice(-20_000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 600_000);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - startedAt, code, signal, stdout, stderr });
    });
  });
}

/** Like timeCommand, but throws with the output when the command did not exit 0. */
export async function mustRun(command: string, args: string[], options: Parameters<typeof timeCommand>[2] = {}): Promise<Timed> {
  const r = await timeCommand(command, args, options);
  if (r.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${r.code ?? r.signal}\n${r.stderr.slice(-3000)}`);
  }
  return r;
}

/** Runs one case of bench/cases/in-process in a fresh node process; returns its JSON line. */
export async function runCase<T>(caseFile: string, name: string, args: unknown, timeoutMs = 600_000): Promise<T> {
  const r = await mustRun(process.execPath, [caseFile, name, JSON.stringify(args)], { timeoutMs });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as T;
}

/**
 * The least time of several runs: on a shared machine, other load only ever adds time, so
 * the fastest run is the closest to the cost of the thing measured.
 */
export function best(values: number[]): number {
  return Math.min(...values);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
