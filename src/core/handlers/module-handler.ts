import { existsSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { classifyError, ConfigError, type PermanentError, type TransientError } from "../platform/errors.js";
import type { Item } from "../platform/types.js";
import { OK, type AttemptContext, type AttemptResult, type DirectCall, type Handler } from "./handler.js";

/** What a module's default export receives as its second argument. */
/** The item runner's context carries the error classes too (see item-runner's Context). */
export interface ModuleContext extends AttemptContext {
  /** Throw `new ctx.TransientError(msg, { retryAfterMs })` for an error worth retrying. */
  TransientError: typeof TransientError;
  /** Throw `new ctx.PermanentError(msg)` for an error retrying cannot fix. */
  PermanentError: typeof PermanentError;
}

export type ModuleFunction = (item: unknown, ctx: ModuleContext) => unknown;

/** Loads the user's module; a missing file or export is a configuration error (exit 2). */
export async function loadModuleFunction(file: string, what: string): Promise<ModuleFunction> {
  const absolute = resolvePath(file);
  if (!existsSync(absolute)) throw new ConfigError(`${what}: ${file} does not exist`);
  let mod: Record<string, unknown>;
  try {
    // webpackIgnore: the bundler (ncc) would otherwise turn this into an empty import
    // context, and every --module would fail in dist/ with "Cannot find module".
    mod = (await import(/* webpackIgnore: true */ pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${what}: ${file} could not be loaded: ${(error as Error).message}`);
  }
  const candidate =
    typeof mod.default === "function"
      ? mod.default
      : typeof (mod.default as Record<string, unknown> | undefined)?.default === "function"
        ? (mod.default as Record<string, unknown>).default
        : mod.handler;
  if (typeof candidate !== "function") {
    throw new ConfigError(`${what}: ${file} has no default export function; write \`export default async (item, ctx) => { … }\``);
  }
  return candidate as ModuleFunction;
}

/**
 * Calls the module's function per item; whatever it throws is classified once, here.
 * Not an async function: a plain `then` on the user's promise spares the async wrapper's
 * own promise and its extra microtask turns on the per-item path.
 */
export function createModuleHandler(fn: ModuleFunction, nowMs: () => number, keepResults = false): Handler {
  const failed = (error: unknown): AttemptResult => {
    const c = classifyError(error, nowMs());
    return { ok: false, kind: c.kind, error: c.message, retryAfterMs: c.retryAfterMs, throttled: c.throttled };
  };
  const direct: DirectCall = { call: (item, ctx) => fn(item.data, ctx as ModuleContext), settled: keepResults ? okWithResult : ok, failed };
  return {
    direct,
    run(item: Item, ctx: AttemptContext): Promise<AttemptResult> {
      let returned: unknown;
      try {
        returned = direct.call(item, ctx);
      } catch (error) {
        return Promise.resolve(failed(error));
      }
      // Promise.resolve, as `await` would: a native promise as it is, a thenable adopted,
      // any other value (a synchronous function) taken as success.
      return Promise.resolve(returned).then(direct.settled, failed);
    },
  };
}

const ok = (): AttemptResult => OK;
/** With --results the return value is the item's result; undefined means none. */
const okWithResult = (value: unknown): AttemptResult => (value === undefined ? OK : { ok: true, result: value });
