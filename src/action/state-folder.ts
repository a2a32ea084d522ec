import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { FAILURES_FILE, LOCK_FILE, OUTCOMES_PATTERN, SNAPSHOT_FILE } from "../core/index.js";
import { SUMMARY_FILE, REPORT_FILE } from "../report/write-reports.js";
import { RESULTS_FILE } from "../report/results-export.js";
import { CHAIN_FILE } from "./chain.js";

const JOURNAL_NAME = /^journal-\d+\.jsonl$/;

/**
 * Files that carry state from run to run (failures.json is regenerated, but harmless), the
 * job log's segments (outcomes-<seq>.jsonl: every outcome, and results), and the action's
 * own chain.json (how many runs a `continue: dispatch` chain has started).
 */
export function isStateFile(name: string): boolean {
  return name === SNAPSHOT_FILE || name === FAILURES_FILE || name === CHAIN_FILE || JOURNAL_NAME.test(name) || OUTCOMES_PATTERN.test(name);
}

/** Everything a saved state (cache entry or artifact) may hold. */
function isExpectedName(name: string): boolean {
  return isStateFile(name) || name === LOCK_FILE || name === SUMMARY_FILE || name === REPORT_FILE || name === RESULTS_FILE;
}

/**
 * Checks a restored folder before anything reads it: only the files a state or its artifact
 * holds, each a regular file — no subfolders, no symlinks (a link could point loadState at
 * any file on the runner), nothing else. Returns the problem, or undefined when it is fine.
 * With `ignoreUnknown` (the state folder itself), entries with other names are passed over.
 */
export function stateFolderProblem(dir: string, options: { ignoreUnknown?: boolean } = {}): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    return `cannot read ${dir}: ${(error as Error).message}`;
  }
  for (const name of names) {
    if (!isExpectedName(name)) {
      if (options.ignoreUnknown) continue;
      return `unexpected entry '${name.slice(0, 100)}'`;
    }
    const stat = lstatSync(join(dir, name));
    if (stat.isSymbolicLink()) return `'${name}' is a symbolic link`;
    if (!stat.isFile()) return `'${name}' is not a regular file`;
  }
  if (!names.some((n) => n === SNAPSHOT_FILE || JOURNAL_NAME.test(n))) return "no snapshot or journal in it";
  return undefined;
}

/** True when the folder holds a snapshot or a journal. */
export function hasStateFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((n) => n === SNAPSHOT_FILE || JOURNAL_NAME.test(n));
}

/** Removes the state files (and a stale lock) of a folder, leaving anything else alone. */
export function clearStateFiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (isStateFile(name) || name === LOCK_FILE) rmSync(join(dir, name), { force: true });
  }
}

/** Copies the state files of `from` into `to` (created when missing); returns the names copied. */
export function copyStateFiles(from: string, to: string): string[] {
  mkdirSync(to, { recursive: true });
  const copied: string[] = [];
  for (const name of readdirSync(from)) {
    if (!isStateFile(name) || !lstatSync(join(from, name)).isFile()) continue;
    copyFileSync(join(from, name), join(to, name));
    copied.push(name);
  }
  return copied;
}
