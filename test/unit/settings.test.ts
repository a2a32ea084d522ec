import { describe, expect, it } from "vitest";
import { parseDurationMs } from "../../src/core/config/duration.js";
import { parseRunSettings, parseShard, parseRateLimit, type RawSettings } from "../../src/core/config/settings.js";

const flag = (k: string) => `--${k}`;
const parse = (raw: RawSettings) => parseRunSettings({ items: "i.jsonl", run: "true", ...raw }, flag);

describe("parseRunSettings", () => {
  it("applies the documented defaults", () => {
    const s = parse({});
    expect(s).toMatchObject({
      idField: "id",
      concurrency: 1,
      maxAttempts: 3,
      backoffMs: 1000,
      backoffMaxMs: 60_000,
      shutdownGraceMs: 5000,
      retryFailures: false,
      maxRunsPerItem: 5,
      itemTimeoutMs: undefined,
      timeBudgetMs: undefined,
    });
    expect([...s.transientExitCodes]).toEqual([75]);
  });

  it("reads max-consecutive-failures: unset leaves the engine's default, 0 turns it off", () => {
    expect(parse({}).maxConsecutiveFailures).toBeUndefined();
    expect(parse({ "max-consecutive-failures": "0" }).maxConsecutiveFailures).toBe(0);
    expect(parse({ "max-consecutive-failures": "10" }).maxConsecutiveFailures).toBe(10);
  });

  it("reads durations like 500ms, 90s, 5m, 1h30m", () => {
    expect(parse({ "time-budget": "1h30m", "item-timeout": "500ms", backoff: "90s", "backoff-max": "5m" })).toMatchObject({
      timeBudgetMs: 5_400_000,
      itemTimeoutMs: 500,
      backoffMs: 90_000,
      backoffMaxMs: 300_000,
    });
  });

  it.each([
    [{ concurrency: "0" }, /--concurrency: '0' must be a whole number from 1 to 1000/],
    [{ "max-consecutive-failures": "-1" }, /--max-consecutive-failures: '-1' must be a whole number from 0 to 1000000/],
    [{ "max-attempts": "x" }, /--max-attempts: 'x' must be a whole number/],
    [{ backoff: "10" }, /--backoff: '10' has no unit; write it like 500ms/],
    [{ "time-budget": "soon" }, /--time-budget: 'soon' is not a duration/],
    [{ "backoff-max": "1s", backoff: "5s" }, /--backoff-max \(1s\) must not be shorter than --backoff \(5s\)/],
    [{ "transient-exit-codes": "75,abc" }, /--transient-exit-codes: 'abc'/],
    [{ "items-format": "xml" }, /--items-format: 'xml' is not one of jsonl, json, csv, lines/],
    [{ "max-failure-rate": "2" }, /--max-failure-rate: '2' must be a share above 0/],
    [{ "rate-limit": "fast" }, /--rate-limit: 'fast' is not a rate/],
    [{ shard: "9/8" }, /--shard: '9\/8' must be i\/n/],
    [{ module: "h.mjs" }, /give one handler, not --run and --module/],
    [{ "items-command": "ls" }, /give --items or --items-command, not both/],
  ])("rejects %o naming the flag", (raw, message) => {
    expect(() => parse(raw as RawSettings)).toThrow(message);
  });

  it("needs a handler and, unless retrying failures, an item source", () => {
    expect(() => parseRunSettings({ items: "x" }, flag)).toThrow(/a handler is required: --run/);
    expect(() => parseRunSettings({ run: "true" }, flag)).toThrow(/--items \(a file\) or --items-command/);
    expect(parseRunSettings({ run: "true", "retry-failures": true }, flag).retryFailures).toBe(true);
  });

  it("names inputs the action's way when asked", () => {
    expect(() => parseRunSettings({ items: "x", run: "y", concurrency: "-1" }, (k) => `input '${k}'`)).toThrow(/^input 'concurrency'/);
  });
});

describe("small parsers", () => {
  it("rate limits", () => {
    expect(parseRateLimit("20/s", "x")).toEqual({ count: 20, perMs: 1000 });
    expect(parseRateLimit("600/m", "x")).toEqual({ count: 600, perMs: 60_000 });
  });
  it("shards", () => {
    expect(parseShard("3/8", "x")).toEqual({ index: 3, count: 8 });
    // One shard is the same batch as no shard (the reusable workflow's shards: 1 passes 1/1).
    expect(parseShard("1/1", "x")).toBeUndefined();
    expect(() => parseShard("0/8", "x")).toThrow();
  });
  it("durations", () => {
    expect(parseDurationMs("1h30m", "x")).toBe(5_400_000);
    expect(() => parseDurationMs("-5s", "x")).toThrow();
  });
});

describe("parseRunSettings: passes and changed items", () => {
  const base = { items: "i.jsonl", run: "true" };
  const nameOf = (key: string) => `--${key}`;
  it("reads repeat, new-pass, reprocess-changed and version-field", () => {
    const s = parseRunSettings({ ...base, repeat: "1d", "new-pass": true, "reprocess-changed": "true", "version-field": "updatedAt" }, nameOf);
    expect(s).toMatchObject({ repeatMs: 86_400_000, newPass: true, reprocessChanged: true, versionField: "updatedAt" });
    expect(parseRunSettings(base, nameOf)).toMatchObject({ repeatMs: undefined, newPass: false, reprocessChanged: false });
    expect(parseRunSettings({ ...base, repeat: "none" }, nameOf).repeatMs).toBeUndefined();
  });
  it("rejects a bad repeat, a bad boolean, and new-pass with retry-failures", () => {
    expect(() => parseRunSettings({ ...base, repeat: "24" }, nameOf)).toThrow(/--repeat: '24' has no unit/);
    expect(() => parseRunSettings({ ...base, repeat: "0s" }, nameOf)).toThrow(/--repeat: must be longer than 0/);
    expect(() => parseRunSettings({ ...base, "reprocess-changed": "yes" }, nameOf)).toThrow(/--reprocess-changed: 'yes' must be true or false/);
    expect(() => parseRunSettings({ ...base, "new-pass": true, "retry-failures": true }, nameOf)).toThrow(
      /give --new-pass or --retry-failures, not both/,
    );
  });
});
