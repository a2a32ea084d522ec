import { parseDurationMs } from "./duration.js";
import { ConfigError } from "../platform/errors.js";
import { ITEMS_FORMATS, type ItemsFormat } from "../input/item-source.js";

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
} as const;

export type SettingName =
  | "items" | "items-command" | "items-format" | "id-field"
  | "run" | "module" | "worker"
  | "concurrency" | "max-attempts" | "backoff" | "backoff-max"
  | "item-timeout" | "time-budget" | "shutdown-grace" | "transient-exit-codes"
  | "retry-failures" | "max-runs-per-item" | "max-failure-rate" | "rate-limit" | "shard";

export type HandlerSpec = { kind: "command"; command: string } | { kind: "module"; file: string } | { kind: "worker"; command: string };
export type ItemsSpec = { kind: "file"; path: string } | { kind: "command"; command: string };

export interface RunSettings {
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
  rateLimit?: { count: number; perMs: number };
  shard?: { index: number; count: number };
}

export function parseRunSettings(raw: RawSettings, nameOf: (key: SettingName) => string): RunSettings {
  const text = (key: SettingName): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === false) return undefined;
    const s = String(v).trim();
    return s === "" ? undefined : s;
  };
  const withDefault = (key: keyof typeof SETTING_DEFAULTS): string => text(key) ?? SETTING_DEFAULTS[key];
  const integer = (key: SettingName, value: string, min: number, max: number): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new ConfigError(`${nameOf(key)}: '${value}' must be a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
  const duration = (key: SettingName, value: string | undefined): number | undefined =>
    value === undefined ? undefined : parseDurationMs(value, nameOf(key));

  const retryFailures = raw["retry-failures"] === true || text("retry-failures") === "true";
  if (text("retry-failures") !== undefined && !["true", "false"].includes(text("retry-failures")!)) {
    throw new ConfigError(`${nameOf("retry-failures")}: '${text("retry-failures")}' must be true or false`);
  }

  const itemsFile = text("items");
  const itemsCommand = text("items-command");
  if (itemsFile && itemsCommand) throw new ConfigError(`give ${nameOf("items")} or ${nameOf("items-command")}, not both`);
  if (!itemsFile && !itemsCommand && !retryFailures) {
    throw new ConfigError(`${nameOf("items")} (a file) or ${nameOf("items-command")} (a command printing items) is required`);
  }
  const items: ItemsSpec | undefined = itemsFile ? { kind: "file", path: itemsFile } : itemsCommand ? { kind: "command", command: itemsCommand } : undefined;

  const formatText = text("items-format");
  if (formatText !== undefined && !ITEMS_FORMATS.includes(formatText as ItemsFormat)) {
    throw new ConfigError(`${nameOf("items-format")}: '${formatText}' is not one of ${ITEMS_FORMATS.join(", ")}`);
  }

  const handlers = (["run", "module", "worker"] as const).filter((k) => text(k) !== undefined);
  if (handlers.length === 0) throw new ConfigError(`a handler is required: ${nameOf("run")} (a command per item), ${nameOf("module")} (a JavaScript file) or ${nameOf("worker")} (a long-lived process)`);
  if (handlers.length > 1) throw new ConfigError(`give one handler, not ${handlers.map(nameOf).join(" and ")}`);
  const handlerKey = handlers[0]!;
  const handler: HandlerSpec = handlerKey === "module" ? { kind: "module", file: text("module")! } : { kind: handlerKey === "run" ? "command" : "worker", command: text(handlerKey)! };

  const backoffMs = duration("backoff", withDefault("backoff"))!;
  const backoffMaxMs = duration("backoff-max", withDefault("backoff-max"))!;
  if (backoffMaxMs < backoffMs) throw new ConfigError(`${nameOf("backoff-max")} (${withDefault("backoff-max")}) must not be shorter than ${nameOf("backoff")} (${withDefault("backoff")})`);
  const itemTimeoutMs = duration("item-timeout", text("item-timeout"));
  if (itemTimeoutMs === 0) throw new ConfigError(`${nameOf("item-timeout")}: must be longer than 0`);
  const timeBudgetMs = duration("time-budget", text("time-budget"));
  if (timeBudgetMs === 0) throw new ConfigError(`${nameOf("time-budget")}: must be longer than 0`);

  const codesText = withDefault("transient-exit-codes");
  const transientExitCodes = new Set<number>();
  for (const part of codesText.split(/[\s,]+/).filter(Boolean)) {
    if (part === "none") continue;
    transientExitCodes.add(integer("transient-exit-codes", part, 1, 255));
  }

  let maxFailureRate: number | undefined;
  const rateText = text("max-failure-rate");
  if (rateText !== undefined) {
    maxFailureRate = Number(rateText.endsWith("%") ? Number(rateText.slice(0, -1)) / 100 : rateText);
    if (!Number.isFinite(maxFailureRate) || maxFailureRate <= 0 || maxFailureRate > 1 || /^\s*$/.test(rateText)) {
      throw new ConfigError(`${nameOf("max-failure-rate")}: '${rateText}' must be a share above 0 and at most 1, like 0.2 (or 20%)`);
    }
  }

  return {
    items,
    itemsFormat: formatText as ItemsFormat | undefined,
    idField: withDefault("id-field"),
    handler,
    concurrency: integer("concurrency", withDefault("concurrency"), 1, 1000),
    maxAttempts: integer("max-attempts", withDefault("max-attempts"), 1, 100),
    backoffMs,
    backoffMaxMs,
    itemTimeoutMs,
    timeBudgetMs,
    shutdownGraceMs: duration("shutdown-grace", withDefault("shutdown-grace"))!,
    transientExitCodes,
    retryFailures,
    maxRunsPerItem: integer("max-runs-per-item", withDefault("max-runs-per-item"), 1, 10_000),
    maxFailureRate,
    rateLimit: parseRateLimit(text("rate-limit"), nameOf("rate-limit")),
    shard: parseShard(text("shard"), nameOf("shard")),
  };
}

/** `20/s`, `600/m`, `1000/h`: at most that many item starts per unit. */
export function parseRateLimit(value: string | undefined, what: string): { count: number; perMs: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(ms|s|sec|second|m|min|minute|h|hour)$/i.exec(value);
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 };
  if (!m || Number(m[1]) <= 0) throw new ConfigError(`${what}: '${value}' is not a rate; write it like 20/s, 600/m or 1000/h`);
  return { count: Number(m[1]), perMs: units[m[2]!.toLowerCase()]! };
}

/** `i/n` with 1 <= i <= n: this job's shard of n. */
export function parseShard(value: string | undefined, what: string): { index: number; count: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 256) {
    throw new ConfigError(`${what}: '${value}' must be i/n with 1 <= i <= n <= 256, like 3/8 (shards count from 1)`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}
