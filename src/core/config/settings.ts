import { parseDurationMs } from "./duration.js";
import { ConfigError } from "../platform/errors.js";
import { ITEMS_FORMATS, type ItemsFormat } from "../input/item-source.js";
import { parsePassSettings, type PassSettings } from "./pass-settings.js";
import { parseRetrySettings, type RetrySettings } from "./retry-settings.js";
import { parseSizeBytes } from "./size.js";

/**
 * The run's settings, validated once, before any work, for both adapters. Keys are the
 * kebab-case names shared by CLI flags and action inputs; `nameOf` renders a key the way
 * the user wrote it (`--max-attempts` on the command line, input `max-attempts` in a
 * workflow) so every error names what to fix.
 */
export type RawSettings = Partial<Record<SettingName, string | boolean | undefined>>;

export const SETTING_DEFAULTS = {
  "id-field": "id",
  concurrency: "1",
  "max-attempts": "3",
  backoff: "1s",
  "backoff-max": "1m",
  "shutdown-grace": "5s",
  "transient-exit-codes": "75",
  "max-runs-per-item": "5",
  "max-result-size": "64KiB",
} as const;

export type SettingName =
  | "items"
  | "items-command"
  | "items-format"
  | "id-field"
  | "run"
  | "module"
  | "worker"
  | "concurrency"
  | "max-attempts"
  | "backoff"
  | "backoff-max"
  | "item-timeout"
  | "time-budget"
  | "shutdown-grace"
  | "transient-exit-codes"
  | "retry-failures"
  | "max-runs-per-item"
  | "max-failure-rate"
  | "max-consecutive-failures"
  | "rate-limit"
  | "shard"
  | "repeat"
  | "new-pass"
  | "reprocess-changed"
  | "version-field"
  | "results"
  | "max-result-size"
  | "retry-filter"
  | "redo-ids"
  | "redact-env";

export type HandlerSpec = { kind: "command"; command: string } | { kind: "module"; file: string } | { kind: "worker"; command: string };
export type ItemsSpec = { kind: "file"; path: string } | { kind: "command"; command: string };

export interface RunSettings extends PassSettings, RetrySettings {
  items?: ItemsSpec;
  /** Undefined: by the file's extension (JSON Lines for a command). */
  itemsFormat?: ItemsFormat;
  idField: string;
  handler: HandlerSpec;
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  itemTimeoutMs?: number;
  timeBudgetMs?: number;
  shutdownGraceMs: number;
  transientExitCodes: Set<number>;
  retryFailures: boolean;
  maxRunsPerItem: number;
  maxFailureRate?: number;
  /** Undefined: the engine's default (25 in a normal run, off in a retry-failures pass); 0: off. */
  maxConsecutiveFailures?: number;
  rateLimit?: { count: number; perMs: number };
  shard?: { index: number; count: number };
  /** Keep what the handler returns per item (--results). */
  results: boolean;
  /** A larger result fails its item. */
  maxResultBytes: number;
  /** Variables whose values are taken out of every stored error text (besides the job's tokens). */
  redactEnv: string[];
}

/**
 * Reads raw settings as the user gave them: trimmed text, defaults, and numbers and
 * durations checked against their bounds, every error naming the setting as it was written.
 */
export class SettingsReader {
  constructor(
    private readonly raw: RawSettings,
    readonly nameOf: (key: SettingName) => string,
  ) {}

  /** The trimmed text of a setting; undefined when absent, false or blank. */
  text(key: SettingName): string | undefined {
    const value = this.raw[key];
    if (value === undefined || value === false) return undefined;
    const trimmed = String(value).trim();
    return trimmed === "" ? undefined : trimmed;
  }

  /** True when the setting is the boolean true (CLI) or the text "true" (action). */
  isTrue(key: SettingName): boolean {
    return this.raw[key] === true || this.text(key) === "true";
  }

  withDefault(key: keyof typeof SETTING_DEFAULTS): string {
    return this.text(key) ?? SETTING_DEFAULTS[key];
  }

  integer(key: SettingName, value: string, min: number, max: number): number {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(`${this.nameOf(key)}: '${value}' must be a whole number from ${min} to ${max}`);
    }
    return Number(value);
  }

  duration(key: SettingName, value: string | undefined): number | undefined {
    return value === undefined ? undefined : parseDurationMs(value, this.nameOf(key));
  }

  /** A duration that must be longer than 0 when given. */
  positiveDuration(key: SettingName): number | undefined {
    const ms = this.duration(key, this.text(key));
    if (ms === 0) throw new ConfigError(`${this.nameOf(key)}: must be longer than 0`);
    return ms;
  }
}

/**
 * Validates every setting, in a fixed order (so the first problem reported is always the
 * same one), and returns the run's settings. Throws ConfigError naming what to fix.
 */
export function parseRunSettings(raw: RawSettings, nameOf: (key: SettingName) => string): RunSettings {
  const reader = new SettingsReader(raw, nameOf);
  const retryFailures = parseRetryFailures(reader);
  const items = parseItems(reader, retryFailures);
  const itemsFormat = parseItemsFormat(reader);
  const handler = parseHandler(reader);
  const { backoffMs, backoffMaxMs } = parseBackoff(reader);
  const itemTimeoutMs = reader.positiveDuration("item-timeout");
  const timeBudgetMs = reader.positiveDuration("time-budget");
  const transientExitCodes = parseTransientExitCodes(reader);
  const maxFailureRate = parseMaxFailureRate(reader);
  const passSettings = parsePassSettings(reader, retryFailures);
  const retrySettings = parseRetrySettings(reader, retryFailures);
  return {
    items,
    itemsFormat,
    idField: reader.withDefault("id-field"),
    handler,
    concurrency: reader.integer("concurrency", reader.withDefault("concurrency"), 1, 1000),
    maxAttempts: reader.integer("max-attempts", reader.withDefault("max-attempts"), 1, 100),
    backoffMs,
    backoffMaxMs,
    itemTimeoutMs,
    timeBudgetMs,
    shutdownGraceMs: reader.duration("shutdown-grace", reader.withDefault("shutdown-grace"))!,
    transientExitCodes,
    retryFailures,
    maxRunsPerItem: reader.integer("max-runs-per-item", reader.withDefault("max-runs-per-item"), 1, 10_000),
    maxFailureRate,
    maxConsecutiveFailures: parseMaxConsecutiveFailures(reader),
    rateLimit: parseRateLimit(reader.text("rate-limit"), nameOf("rate-limit")),
    shard: parseShard(reader.text("shard"), nameOf("shard")),
    ...passSettings,
    ...retrySettings,
    results: parseBoolean(raw.results, nameOf("results")),
    maxResultBytes: parseSizeBytes(reader.withDefault("max-result-size"), nameOf("max-result-size"), 64 * 1024 ** 2),
    redactEnv: parseEnvNames(reader.text("redact-env"), nameOf("redact-env")),
  };
}

function parseRetryFailures(reader: SettingsReader): boolean {
  const text = reader.text("retry-failures");
  if (text !== undefined && !["true", "false"].includes(text)) {
    throw new ConfigError(`${reader.nameOf("retry-failures")}: '${text}' must be true or false`);
  }
  return reader.isTrue("retry-failures");
}

/** Exactly one item source, except for a retry-failures pass, which needs none. */
function parseItems(reader: SettingsReader, retryFailures: boolean): ItemsSpec | undefined {
  const { nameOf } = reader;
  const itemsFile = reader.text("items");
  const itemsCommand = reader.text("items-command");
  if (itemsFile && itemsCommand) throw new ConfigError(`give ${nameOf("items")} or ${nameOf("items-command")}, not both`);
  if (!itemsFile && !itemsCommand && !retryFailures) {
    throw new ConfigError(`${nameOf("items")} (a file) or ${nameOf("items-command")} (a command printing items) is required`);
  }
  return itemsFile ? { kind: "file", path: itemsFile } : itemsCommand ? { kind: "command", command: itemsCommand } : undefined;
}

function parseItemsFormat(reader: SettingsReader): ItemsFormat | undefined {
  const formatText = reader.text("items-format");
  if (formatText !== undefined && !ITEMS_FORMATS.includes(formatText as ItemsFormat)) {
    throw new ConfigError(`${reader.nameOf("items-format")}: '${formatText}' is not one of ${ITEMS_FORMATS.join(", ")}`);
  }
  return formatText as ItemsFormat | undefined;
}

/** Exactly one of run, module and worker. */
function parseHandler(reader: SettingsReader): HandlerSpec {
  const { nameOf } = reader;
  const handlers = (["run", "module", "worker"] as const).filter((key) => reader.text(key) !== undefined);
  if (handlers.length === 0) {
    throw new ConfigError(
      `a handler is required: ${nameOf("run")} (a command per item), ${nameOf("module")} (a JavaScript file) or ${nameOf("worker")} (a long-lived process)`,
    );
  }
  if (handlers.length > 1) throw new ConfigError(`give one handler, not ${handlers.map(nameOf).join(" and ")}`);
  const handlerKey = handlers[0]!;
  return handlerKey === "module"
    ? { kind: "module", file: reader.text("module")! }
    : { kind: handlerKey === "run" ? "command" : "worker", command: reader.text(handlerKey)! };
}

function parseBackoff(reader: SettingsReader): { backoffMs: number; backoffMaxMs: number } {
  const backoffMs = reader.duration("backoff", reader.withDefault("backoff"))!;
  const backoffMaxMs = reader.duration("backoff-max", reader.withDefault("backoff-max"))!;
  if (backoffMaxMs < backoffMs) {
    throw new ConfigError(
      `${reader.nameOf("backoff-max")} (${reader.withDefault("backoff-max")}) must not be shorter than ${reader.nameOf("backoff")} (${reader.withDefault("backoff")})`,
    );
  }
  return { backoffMs, backoffMaxMs };
}

/** Exit codes 1-255 separated by commas or spaces; `none` for no transient code. */
function parseTransientExitCodes(reader: SettingsReader): Set<number> {
  const transientExitCodes = new Set<number>();
  for (const part of reader
    .withDefault("transient-exit-codes")
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if (part === "none") continue;
    transientExitCodes.add(reader.integer("transient-exit-codes", part, 1, 255));
  }
  return transientExitCodes;
}

/** A share above 0 and at most 1, as a fraction (0.2) or a percentage (20%). */
function parseMaxFailureRate(reader: SettingsReader): number | undefined {
  const rateText = reader.text("max-failure-rate");
  if (rateText === undefined) return undefined;
  const maxFailureRate = Number(rateText.endsWith("%") ? Number(rateText.slice(0, -1)) / 100 : rateText);
  if (!Number.isFinite(maxFailureRate) || maxFailureRate <= 0 || maxFailureRate > 1 || /^\s*$/.test(rateText)) {
    throw new ConfigError(`${reader.nameOf("max-failure-rate")}: '${rateText}' must be a share above 0 and at most 1, like 0.2 (or 20%)`);
  }
  return maxFailureRate;
}

/** Undefined when not given: the engine's default depends on the pass (see EarlyStop). */
function parseMaxConsecutiveFailures(reader: SettingsReader): number | undefined {
  const value = reader.text("max-consecutive-failures");
  return value === undefined ? undefined : reader.integer("max-consecutive-failures", value, 0, 1_000_000);
}

/** `20/s`, `600/m`, `1000/h`: at most that many item starts per unit. */
export function parseRateLimit(value: string | undefined, what: string): { count: number; perMs: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(ms|s|sec|second|m|min|minute|h|hour)$/i.exec(value);
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    sec: 1000,
    second: 1000,
    m: 60_000,
    min: 60_000,
    minute: 60_000,
    h: 3_600_000,
    hour: 3_600_000,
  };
  if (!m || Number(m[1]) <= 0) throw new ConfigError(`${what}: '${value}' is not a rate; write it like 20/s, 600/m or 1000/h`);
  return { count: Number(m[1]), perMs: units[m[2]!.toLowerCase()]! };
}

/**
 * `i/n` with 1 <= i <= n: this job's shard of n. `1/1` is no shard: one shard is the same
 * batch as no shard (the README's sharding section), so the reusable workflow's `shards: 1` (which passes `1/1`)
 * and the action called without `shard` read and write the same state.
 */
export function parseShard(value: string | undefined, what: string): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 256) {
    throw new ConfigError(`${what}: '${value}' must be i/n with 1 <= i <= n <= 256, like 3/8 (shards count from 1)`);
  }
  if (Number(m[2]) === 1) return undefined;
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** A switch: true from the command line, or the strings true/false from a workflow. */
export function parseBoolean(value: string | boolean | undefined, what: string): boolean {
  if (value === undefined || value === false || value === true) return value === true;
  const text = value.trim();
  if (text === "" || text === "false") return false;
  if (text === "true") return true;
  throw new ConfigError(`${what}: '${text}' must be true or false`);
}

/** Names of environment variables, separated by commas, spaces or newlines. */
export function parseEnvNames(text: string | undefined, what: string): string[] {
  if (text === undefined) return [];
  const names = text.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (bad !== undefined)
    throw new ConfigError(`${what}: '${bad}' is not the name of an environment variable (give names like API_TOKEN, not values)`);
  return names;
}
