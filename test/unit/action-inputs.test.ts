import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACTION_INPUT_DEFAULTS,
  BOOLEAN_INPUTS,
  CONTINUE_MODES,
  getInputs,
  getModeInputs,
  getReportInputs,
  MODES,
  RUN_SETTING_INPUTS,
} from "../../src/action/inputs.js";
import { OUTPUT_NAMES } from "../../src/action/main.js";
import { SETTING_DEFAULTS } from "../../src/core/config/settings.js";
import { ITEMS_FORMATS } from "../../src/core/input/item-source.js";
import { FakeCore } from "../support/action-fakes.js";

interface ActionYml {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description: string }>;
  runs: Record<string, string>;
}

const text = readFileSync(new URL("../../action.yml", import.meta.url), "utf8");
const action = parse(text) as ActionYml;

describe("action.yml", () => {
  it("runs on node24 with a post step that always runs", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/main/index.js", post: "dist/post/index.js", "post-if": "always()" });
    expect(action.name).toBe("resumable-batch");
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.branding.icon && action.branding.color).toBeTruthy();
  });

  it("declares exactly the inputs the code reads", () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...RUN_SETTING_INPUTS, ...Object.keys(ACTION_INPUT_DEFAULTS)].sort());
  });

  it("gives every input a description and the parser's default, quoted", () => {
    const expected: Record<string, string | undefined> = { ...ACTION_INPUT_DEFAULTS };
    for (const key of RUN_SETTING_INPUTS) expected[key] = (SETTING_DEFAULTS as Record<string, string>)[key];
    for (const key of BOOLEAN_INPUTS) expected[key] = "false";
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.trim().length, name).toBeGreaterThan(15);
      expect(input.default, name).toBe(expected[name]);
      if (expected[name] !== undefined) expect(text, name).toMatch(new RegExp(`\\n  ${name}:\\n(?:    .*\\n)*?    default: "[^"]*"\\n`));
    }
  });

  it("lists the options of enum-like inputs in their descriptions", () => {
    for (const format of ITEMS_FORMATS) expect(action.inputs["items-format"]!.description).toContain(format);
    for (const key of BOOLEAN_INPUTS) expect(action.inputs[key]!.description).toMatch(/true or false/);
    for (const mode of MODES) expect(action.inputs.mode!.description).toContain(mode);
    for (const mode of CONTINUE_MODES) expect(action.inputs.continue!.description).toContain(mode);
    expect(action.inputs.continue!.description).toMatch(/actions: write/);
  });

  it("declares exactly the outputs main sets", () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(action.outputs["state-source"]!.description).toMatch(/cache.*artifact.*fresh/);
  });
});

describe("getInputs", () => {
  const read = (inputs: Record<string, string>) => {
    const core = new FakeCore();
    core.inputs = inputs;
    return getInputs(core, "/ws");
  };

  it("applies the defaults and resolves paths against the workspace", () => {
    const i = read({ items: "data/items.csv", module: "handler.mjs" });
    expect(i).toMatchObject({
      stateKey: "default",
      stateDirInput: ".resumable-batch",
      stateDir: "/ws/.resumable-batch",
      failOnItemFailure: false,
      githubToken: "",
      artifactRetentionDays: 7,
    });
    expect(i.settings).toMatchObject({
      items: { kind: "file", path: "/ws/data/items.csv" },
      handler: { kind: "module", file: "/ws/handler.mjs" },
      retryFailures: false,
      concurrency: 1,
    });
  });

  it.each([
    [{ backoff: "10" }, "input 'backoff': '10' has no unit; write it like 500ms, 90s, 5m or 1h30m"],
    [{ "items-format": "xml" }, "input 'items-format': 'xml' is not one of jsonl, json, csv, lines"],
    [{ "retry-failures": "1" }, "input 'retry-failures': '1' must be true or false"],
    [{ "max-failure-rate": "2" }, "input 'max-failure-rate': '2' must be a share above 0 and at most 1, like 0.2 (or 20%)"],
    [{ shard: "4/3" }, "input 'shard': '4/3' must be i/n with 1 <= i <= n <= 256, like 3/8 (shards count from 1)"],
    [{ "rate-limit": "fast" }, "input 'rate-limit': 'fast' is not a rate; write it like 20/s, 600/m or 1000/h"],
    [{ "artifact-retention-days": "0" }, "input 'artifact-retention-days': '0' must be a whole number of days from 1 to 400"],
    [{ "state-dir": ".." }, /input 'state-dir': '\.\.' is the workspace or a folder above it/],
    [{ run: "", module: "" }, /a handler is required: input 'run'/],
    [{ module: "m.js" }, "give one handler, not input 'run' and input 'module'"],
  ])("%j fails with a message naming the input", (inputs, message) => {
    expect(() => read({ items: "i.jsonl", run: "true", ...inputs })).toThrow(message);
  });

  it("reads continue and max-chain, with their defaults", () => {
    expect(read({ items: "i.jsonl", run: "true" })).toMatchObject({ mode: "run", continueMode: "none", maxChain: 10 });
    expect(read({ items: "i.jsonl", run: "true", continue: "dispatch", "max-chain": "3" })).toMatchObject({ continueMode: "dispatch", maxChain: 3 });
  });

  it.each([
    [{ mode: "fast" }, "input 'mode': 'fast' must be run or report"],
    [{ mode: "Report" }, "input 'mode': 'Report' must be run or report"],
    [{ continue: "yes" }, "input 'continue': 'yes' must be none or dispatch"],
    [{ continue: "true" }, "input 'continue': 'true' must be none or dispatch"],
    [{ "max-chain": "0" }, "input 'max-chain': '0' must be a whole number from 1 to 1000"],
    [{ "max-chain": "ten" }, "input 'max-chain': 'ten' must be a whole number from 1 to 1000"],
    [{ "max-chain": "1001" }, "input 'max-chain': '1001' must be a whole number from 1 to 1000"],
  ])("%j fails with a message naming the input, in both modes", (inputs, message) => {
    const core = new FakeCore();
    core.inputs = { items: "i.jsonl", run: "true", ...inputs };
    expect(() => getModeInputs(core, "/ws")).toThrow(message);
    if (!("mode" in inputs)) {
      core.inputs = { mode: "report", ...inputs };
      expect(() => getModeInputs(core, "/ws")).toThrow(message);
    }
  });

  it("mode: report needs no items or handler, and names what it ignores (not action.yml's defaults)", () => {
    const core = new FakeCore();
    core.inputs = {
      mode: "report",
      "state-key": "nightly",
      "id-field": "id",
      concurrency: "1",
      "retry-failures": "false",
      "time-budget": "50m",
      continue: "dispatch",
    };
    expect(getModeInputs(core, "/ws")).toEqual({
      mode: "report",
      stateKey: "nightly",
      githubToken: "",
      artifactRetentionDays: 7,
      continueMode: "dispatch",
      maxChain: 10,
      ignored: ["time-budget"],
    });
    core.inputs = { mode: "report", "state-key": "no/slash" };
    expect(() => getReportInputs(core)).toThrow(/input 'state-key': 'no\/slash' may use only letters/);
  });

  it("needs no item source for retry-failures", () => {
    expect(read({ run: "true", "retry-failures": "TRUE" }).settings).toMatchObject({ retryFailures: true, items: undefined });
  });
});
