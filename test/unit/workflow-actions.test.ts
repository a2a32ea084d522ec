import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, untyped
import { applyKnownGaps } from "../../scripts/actionlint-gaps.mjs";
import { repositoryWorkflows, type WorkflowText } from "../support/workflow-files.js";

/**
 * The last major of each action that still runs on node20 or older, read from `runs.using`
 * in each tag's action.yml (actions/checkout v4 node20, v5 node24; upload-artifact v5 node20,
 * v6 node24; download-artifact v6 node20, v7 node24; setup-node v4 node20, v5 node24; cache
 * v4 node20, v5 node24). Runners dropped node20 in 2026-09: such actions are forced onto
 * node24 with a warning.
 */
const LAST_OLD_NODE_MAJOR: Record<string, number> = {
  "actions/checkout": 4,
  "actions/upload-artifact": 5,
  "actions/download-artifact": 6,
  "actions/setup-node": 4,
  "actions/cache": 4,
};

/** `file: uses` for each step naming a known action at a node20 (or older) major. */
function oldNodeActions(workflows: WorkflowText[]): string[] {
  const found: string[] = [];
  for (const { where, text } of workflows) {
    const jobs = (parse(text) as { jobs?: Record<string, { steps?: Array<{ uses?: string }> }> }).jobs ?? {};
    for (const job of Object.values(jobs)) {
      for (const { uses } of job.steps ?? []) {
        const m = /^([^@]+)@v(\d+)/.exec(uses ?? "");
        const last = m ? LAST_OLD_NODE_MAJOR[m[1]!] : undefined;
        if (last !== undefined && Number(m![2]) <= last) found.push(`${where}: ${uses}`);
      }
    }
  }
  return found;
}

describe("actions used by the workflows and examples", () => {
  it("none runs on node20 or older", () => {
    expect(oldNodeActions(repositoryWorkflows("."))).toEqual([]);
  });

  it("flags a node20 major", () => {
    const old = {
      where: "old.yml",
      text: "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/checkout@v7\n",
    };
    expect(oldNodeActions([old])).toEqual(["old.yml: actions/checkout@v4"]);
  });
});

describe("the action's metadata", () => {
  it("has marketplace branding and runs on node24", () => {
    const action = parse(readFileSync("action.yml", "utf8")) as { branding?: { icon?: string; color?: string }; runs: { using: string } };
    expect(action.branding?.icon).toMatch(/\S/);
    expect(action.branding?.color).toMatch(/^(white|black|yellow|blue|green|orange|red|purple|gray-dark)$/);
    expect(action.runs.using).toBe("node24");
  });
});

describe("the reusable workflow's own action", () => {
  it("is checked out from the workflow's repository and commit, with action-token when the caller passes one", () => {
    const workflow = parse(readFileSync(".github/workflows/resumable-batch.yml", "utf8")) as {
      on: { workflow_call: { secrets: Record<string, { required: boolean }> } };
      jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    expect(workflow.on.workflow_call.secrets["action-token"]?.required).toBe(false);
    const checkouts = Object.values(workflow.jobs)
      .flatMap((job) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith("actions/checkout@") && step.with?.path === ".resumable-batch-action");
    expect(checkouts.length).toBe(2);
    for (const step of checkouts) {
      expect(step.with).toMatchObject({
        repository: "${{ fromJSON(toJSON(job)).workflow_repository }}",
        ref: "${{ fromJSON(toJSON(job)).workflow_sha }}",
        token: "${{ secrets.action-token || github.token }}",
        "persist-credentials": false,
      });
    }
  });
});

describe("syntax actionlint does not know yet (scripts/actionlint-gaps.mjs)", () => {
  const finding = (line: number) => ({
    line,
    column: 3,
    message: 'unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group"',
    kind: "syntax-check",
  });
  const workflow = (queue: string, cancel = "false") =>
    `on: push\nconcurrency:\n  group: g\n  cancel-in-progress: ${cancel}\n  queue: ${queue}\njobs: {}\n`;

  it("lets concurrency queue: max and single through", () => {
    expect(applyKnownGaps(workflow("max"), [finding(5)])).toEqual([]);
    expect(applyKnownGaps(workflow("single"), [finding(5)])).toEqual([]);
  });

  it("still reports a wrong queue value, queue: max with cancel-in-progress, and other findings", () => {
    const other = { line: 1, column: 1, message: "something else", kind: "expression" };
    expect(applyKnownGaps(workflow("maxx"), [finding(5), other]).map((f: { message: string }) => f.message)).toEqual([
      "something else",
      'concurrency queue must be single or max, not "maxx"',
    ]);
    expect(applyKnownGaps(workflow("max", "true"), [finding(5)])).toEqual([
      { line: 5, column: 1, message: "concurrency queue: max cannot go with cancel-in-progress: true", kind: "syntax-check" },
    ]);
  });
});

describe("the reusable workflow's inputs", () => {
  /** What the workflow sets itself on the shard step, rather than passing through. */
  const SET_BY_THE_WORKFLOW = ["github-token", "mode", "shard", "state-dir", "continue", "max-chain"];

  it("pass every input of the action to the shard step, as an input of the same name", () => {
    const action = parse(readFileSync("action.yml", "utf8")) as { inputs: Record<string, unknown> };
    const workflow = parse(readFileSync(".github/workflows/resumable-batch.yml", "utf8")) as {
      on: { workflow_call: { inputs: Record<string, unknown> } };
      jobs: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const step = workflow.jobs.batch!.steps!.find((s) => s.uses === "./.resumable-batch-action")!;
    const notPassed = Object.keys(action.inputs).filter(
      (name) => !SET_BY_THE_WORKFLOW.includes(name) && !(name in workflow.on.workflow_call.inputs && step.with?.[name]?.includes(`inputs.${name}`)),
    );
    expect(notPassed).toEqual([]);
  });
});
