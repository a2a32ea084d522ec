import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

/**
 * Exit statuses of `/bin/sh -c` that mean the shell could not run a program: 126 found
 * but not executable, 127 not found (POSIX XCU 2.8.2, "Exit Status for Commands").
 */
export const CANNOT_RUN_EXIT_CODES: ReadonlySet<number> = new Set([126, 127]);

/** spawn() errors that mean the handler cannot start at all, for any item. */
export const CANNOT_START_ERROR_CODES = ["ENOENT", "EACCES", "ENOTDIR", "EPERM"] as const;

/** True when a spawn error's text names one of CANNOT_START_ERROR_CODES (both spawn paths put the code in it). */
export function isCannotStartError(message: string): boolean {
  return CANNOT_START_ERROR_CODES.some((code) => new RegExp(`\\b${code}\\b`).test(message));
}

/**
 * Says why a handler command cannot run and how to fix it, for a setup error: the shell's
 * own words (its output tail), then a check of the program the command starts with, when
 * that is a path (`./process.sh`), against the working folder.
 */
export function describeCannotRun(o: { what: string; command: string; cwd: string; failure: string; output?: string }): string {
  const program = firstProgram(o.command);
  const parts = [`${o.what} '${o.command}' cannot run (${o.failure}${o.output ? `: ${lastLine(o.output)}` : ""})`];
  const fix = program === undefined ? undefined : fixFor(program, o.cwd);
  parts.push(fix ?? "check that every program the command runs is installed and executable (a script needs `chmod +x` and a #! line)");
  return parts.join(": ");
}

function fixFor(program: string, cwd: string): string | undefined {
  if (!program.includes("/")) return undefined;
  const path = isAbsolute(program) ? program : resolve(cwd, program);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return `${program} not found relative to ${cwd} (the working folder); check the path, or that the file is checked out`;
  }
  if (!isFile) return `${program} is not a file`;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return `${program} is not executable: run \`chmod +x ${program}\` and commit it (\`git update-index --chmod=+x ${program}\`), or run it through its interpreter (\`sh ${program}\`)`;
  }
  return undefined;
}

/**
 * The program a simple command line starts with, skipping leading VAR=value assignments;
 * undefined when the line starts with shell syntax (a quote, a subshell, a keyword).
 */
export function firstProgram(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(words[i]!)) i++;
  const word = words[i];
  if (word === undefined || !/^[\w./@%+,:-]+$/.test(word)) return undefined;
  return word;
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  const line = lines[lines.length - 1]!.trim();
  return line.length > 300 ? line.slice(0, 300) + "…" : line;
}
