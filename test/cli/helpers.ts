/**
 * Helpers for the process-level tests of the built command line: they spawn
 * `node dist/cli/index.js` as a real child process, in a temp folder per test, and send
 * it real signals. Nothing here fakes the clock or the file system.
 */

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const DIST_CLI_DIR = join(REPO_ROOT, "dist", "cli");
const BUILD_LOCK = join(tmpdir(), "resumable-batch-cli-test-build.lock");

/** The source folders the CLI bundle is built from (not src/action). */
const CLI_SOURCE_DIRS = ["cli", "core", "report"].map((d) => join(REPO_ROOT, "src", d));

/** Newest modification time of the .ts files under dir. */
function newestSourceMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtimeMs(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Makes sure dist/cli/index.js is built from the current sources (`npm test` builds it
 * first; a bare `npx vitest run test/cli` may not have), copies the bundle into a folder
 * shared by this test run's files, and returns the copy's path.
 *
 * Why a copy, decided once per run: other engineers' `npm run build` / `npm run bench`
 * delete and rewrite dist/cli, and their edits to src/ would otherwise make a later test
 * file rebuild halfway through the run. The bundle is self-contained (ncc), so the copy
 * is the CLI. The run is identified by the vitest process, the parent of every worker
 * (vitest.config.ts uses the forks pool).
 */
export function prepareCli(): string {
  const shared = join(tmpdir(), `${SHARED_COPY_PREFIX}${process.ppid}`);
  const copy = join(shared, "index.js");
  withBuildLock(() => {
    if (existsSync(copy) && Date.now() - statSync(copy).mtimeMs < 30 * 60_000) return;
    // Copies left by earlier runs whose vitest process is gone.
    for (const name of readdirSync(tmpdir())) {
      const m = new RegExp(`^${SHARED_COPY_PREFIX}(\\d+)$`).exec(name);
      if (m && !isRunning(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
    const bundle = join(DIST_CLI_DIR, "index.js");
    const newestSource = Math.max(...CLI_SOURCE_DIRS.filter((d) => existsSync(d)).map((d) => newestSourceMtimeMs(d)));
    if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource) {
      execFileSync(process.execPath, ["scripts/build.mjs", "cli"], { cwd: REPO_ROOT, stdio: "inherit" });
    }
    rmSync(shared, { recursive: true, force: true });
    mkdirSync(shared, { recursive: true });
    copyFileSync(join(DIST_CLI_DIR, "package.json"), join(shared, "package.json"));
    copyFileSync(bundle, copy);
  });
  return copy;
}

const SHARED_COPY_PREFIX = "rb-cli-run-";

/** Test files run in parallel workers: one builds and copies, the others wait for it. */
function withBuildLock(fn: () => void): void {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      // A lock older than a build could take was left by a killed test run.
      try {
        if (Date.now() - statSync(BUILD_LOCK).mtimeMs > 120_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`could not take ${BUILD_LOCK}`);
      sleepSync(100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A fresh folder for one test; removed by `cleanup()`. */
export { cleanup, tempDir, tempDirsPerTest } from "../support/temp-dirs.js";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<CliResult>;
  stderr(): string;
  /** Resolves once stderr matches (rejects after timeoutMs). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  startedAtMs: number;
}

/** Environment for the CLI: the test's own, minus what a vitest worker adds that could leak in. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...extra };
  delete env.NODE_OPTIONS;
  for (const key of ["ITEM_ID", "ITEM_JSON", "ITEM_ATTEMPT", "IDEMPOTENCY_KEY"]) delete env[key];
  return env;
}

/**
 * The distinct Node.js versions on this machine: the one running the tests, and every
 * `node` on PATH (npm puts the project's pinned node first; the system's may be older).
 * The CLI supports Node >= 20, and some behaviour (warnings) differs between versions.
 */
export function nodeBinaries(): Array<{ path: string; version: string }> {
  const candidates = [process.execPath];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "node"))) candidates.push(join(dir, "node"));
  }
  const byVersion = new Map<string, string>();
  for (const path of candidates) {
    try {
      const version = execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
      if (!byVersion.has(version)) byVersion.set(version, path);
    } catch {
      // not runnable
    }
  }
  return [...byVersion].map(([version, path]) => ({ path, version }));
}

/** Starts `node <cli> ...args` in cwd; stdin is closed, stdout/stderr are collected. */
export function startCli(cli: string, args: string[], o: { cwd: string; env?: Record<string, string>; node?: string }): CliProcess {
  const startedAtMs = Date.now();
  const child = spawn(o.node ?? process.execPath, [cli, ...args], { cwd: o.cwd, env: cliEnv(o.env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    for (const w of [...waiters]) w();
  });
  const done = new Promise<CliResult>((resolveDone, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolveDone({ code, signal, stdout, stderr, durationMs: Date.now() - startedAtMs }));
  });
  return {
    child,
    done,
    startedAtMs,
    stderr: () => stderr,
    waitForStderr(pattern, timeoutMs = 15_000) {
      return new Promise((res, rej) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          res();
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          rej(new Error(`stderr did not match ${pattern} within ${timeoutMs}ms; stderr so far:\n${stderr}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
  };
}

/** Runs the CLI to its end; kills it (and fails) after timeoutMs. */
export async function runCli(
  cli: string,
  args: string[],
  o: { cwd: string; env?: Record<string, string>; timeoutMs?: number; node?: string },
): Promise<CliResult> {
  const p = startCli(cli, args, o);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), o.timeoutMs ?? 60_000);
  try {
    const result = await p.done;
    if (result.signal === "SIGKILL") throw new Error(`the CLI did not finish within ${o.timeoutMs ?? 60_000}ms:\n${result.stderr}`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until check() is true (or throws after timeoutMs). */
export { waitUntil } from "../support/wait-until.js";

/** Lines of a file the handler appends to (empty when it does not exist yet). */
export function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "");
}

/** Counts of each value in a list. */
export function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Whether a process is running (a zombie left unreaped by a container's init is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export function writeFile(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The failures.json a run leaves in its state folder. */
export interface FailuresJson {
  failures: Array<{ id: string; error: string; kind: string; attempts: number; firstFailedAt: string; lastFailedAt: string; item: unknown }>;
}

/** One id per line: "item-0001" … */
export function itemIds(n: number, prefix = "item-"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(4, "0")}`);
}
