/**
 * Secrets that must not reach what the engine stores (failures.json, the snapshot, the
 * reports, the artifact, the cache) nor the handlers that do not need them.
 */

/** Variables whose values are always redacted: the job's tokens. */
export const ALWAYS_REDACTED_ENV = ["GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"] as const;

/**
 * Shorter values are not redacted: a secret of 1–3 characters would turn every such
 * substring of every message into `***` and hide nothing worth hiding.
 */
export const MIN_SECRET_CHARS = 4;

/** What a redacted secret is replaced with (as the runner masks secrets in the log). */
export const REDACTED = "***";

/**
 * The values to redact: those of ALWAYS_REDACTED_ENV and of the named variables, plus
 * `extra` (the action's github-token input), each also line by line (a multi-line secret,
 * like a key, may be printed in parts).
 */
export function secretValues(env: NodeJS.ProcessEnv, names: readonly string[], extra: readonly string[] = []): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined) => {
    if (value === undefined) return;
    for (const part of [value, ...value.split(/\r?\n/)]) {
      const trimmed = part.trim();
      if (trimmed.length >= MIN_SECRET_CHARS) values.add(trimmed);
    }
  };
  for (const name of [...ALWAYS_REDACTED_ENV, ...names]) add(env[name]);
  for (const value of extra) add(value);
  return [...values];
}

/** Replaces every occurrence of the values with `***`; longer values first, so a value containing another goes whole. */
export function makeRedactor(values: readonly string[]): (text: string) => string {
  if (values.length === 0) return (text) => text;
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sorted.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => (typeof text === "string" ? text.replace(pattern, REDACTED) : text);
}

/**
 * The runner's own plumbing, which no handler needs: the token and URLs of the job's
 * cache and results services, and the action's inputs (`INPUT_GITHUB-TOKEN` among them).
 * A handler that needs a token gets one the workflow passes it by name.
 */
const RUNNER_INTERNAL_ENV = new Set([
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_RUNTIME_URL",
  "ACTIONS_RESULTS_URL",
  "ACTIONS_CACHE_URL",
  "ACTIONS_CACHE_SERVICE_V2",
]);

/** The environment handlers (and the items command) run with: this process's, minus the runner's plumbing. */
export function handlerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (RUNNER_INTERNAL_ENV.has(key) || key.startsWith("INPUT_")) continue;
    out[key] = value;
  }
  return out;
}
