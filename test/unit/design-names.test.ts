/**
 * The names DESIGN.md fixes as the interface ("The contract users see"): the action's inputs
 * and outputs exist in action.yml, and a setting has the same name on both sides — every
 * run setting the action reads is a `run` flag of the command line, and every `run` flag is
 * an action input, except the few that only make sense on one side (listed here, so adding
 * a flag without its input, or the reverse, fails this test).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RUN_SETTING_INPUTS } from "../../src/action/inputs.js";
import { main, type CliIo } from "../../src/cli/main.js";

const action = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
  inputs: Record<string, { description: string }>;
  outputs: Record<string, { description: string }>;
};

/** DESIGN.md's action inputs: the first release's, then "Growing the product adds". */
const DESIGN_INPUTS = [
  "items",
  "items-command",
  "run",
  "module",
  "id-field",
  "state-key",
  "concurrency",
  "max-attempts",
  "backoff",
  "backoff-max",
  "item-timeout",
  "time-budget",
  "shutdown-grace",
  "transient-exit-codes",
  "retry-failures",
  "fail-on-item-failure",
  "github-token",
  "worker",
  "shard",
  "rate-limit",
  "continue",
  "max-runs-per-item",
  "max-failure-rate",
  "repeat",
  "new-pass",
  "reprocess-changed",
  "results",
];
const DESIGN_OUTPUTS = ["processed", "succeeded", "failed", "remaining", "complete", "state-source"];

/** Flags with no action input: --only-* are the command line's spellings of retry-filter. */
const CLI_ONLY_FLAGS = ["only-cause", "only-kind", "only-ids"];
/** Both sides have it, but it is where the state lives, not a run setting. */
const STATE_DIR = "state-dir";

async function runFlags(): Promise<string[]> {
  let out = "";
  const io = { env: {}, cwd: "/", stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true } } as unknown as CliIo;
  expect(await main(["run", "--help"], io)).toBe(0);
  return [...out.matchAll(/^ {2}--([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((f) => f !== "help");
}

describe("DESIGN.md's names", () => {
  it("action.yml declares every input and output DESIGN.md names; state-source tells cache, artifact and fresh apart", () => {
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(DESIGN_INPUTS));
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(DESIGN_OUTPUTS));
    expect(action.outputs["state-source"]!.description).toMatch(/cache.*artifact.*fresh/s);
  });

  it("a run setting has the same name as a CLI flag and as an action input", async () => {
    const flags = await runFlags();
    expect(flags.filter((f) => !CLI_ONLY_FLAGS.includes(f) && f !== STATE_DIR).sort()).toEqual([...RUN_SETTING_INPUTS].sort());
    expect(flags).toContain(STATE_DIR);
    expect(Object.keys(action.inputs)).toContain(STATE_DIR);
    for (const flag of CLI_ONLY_FLAGS) expect(Object.keys(action.inputs)).not.toContain(flag);
  });
});
