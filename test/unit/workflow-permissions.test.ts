import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { repositoryWorkflows, type WorkflowText } from "../support/workflow-files.js";
import { localWorkflowPath, missing, parsePermissions, permissionProblems } from "../support/workflow-permissions.js";

const REUSABLE = ".github/workflows/resumable-batch.yml";
const reusableText = readFileSync(REUSABLE, "utf8");

function caller(permissions: string, withLines = ""): WorkflowText {
  const text = `on: { workflow_dispatch: {} }
${permissions}
jobs:
  batch:
    uses: OWNER/resumable-batch/.github/workflows/resumable-batch.yml@v1
    with:
      items: items.jsonl
      run: "true"
${withLines}`;
  return { where: "caller.yml", text };
}

describe("permissions of the workflows and examples", () => {
  it("finds every workflow file and the README's workflow examples", () => {
    const where = repositoryWorkflows(".").map((w) => w.where);
    expect(where).toContain(REUSABLE);
    expect(where).toContain("examples/workflows/caller.yml");
    expect(where.filter((w) => w.startsWith("README.md:")).length).toBeGreaterThanOrEqual(2);
  });

  it("every caller grants what the jobs it calls ask for, and what the features it uses need", () => {
    expect(permissionProblems(repositoryWorkflows("."))).toEqual([]);
  });

  it("the reusable workflow's jobs ask for no actions permission: the action works without it", () => {
    const jobs = (parse(reusableText) as { jobs: Record<string, { permissions?: unknown }> }).jobs;
    for (const [id, job] of Object.entries(jobs)) {
      if (!("permissions" in job)) continue;
      expect(parsePermissions(job.permissions).actions, `job ${id}`).toBe("none");
    }
  });

  it("a caller granting only contents: read starts the reusable workflow; only its report needs more", () => {
    const reusable = { where: REUSABLE, text: reusableText };
    expect(permissionProblems([reusable, caller("permissions: { contents: read }")])).toEqual([
      "caller.yml job batch: its report job needs actions: read (granted none)",
    ]);
    expect(permissionProblems([reusable, caller("permissions: { contents: read, actions: read }")])).toEqual([]);
  });

  it("fails a called job that asks beyond the caller's grants (the old batch job's actions: read)", () => {
    const asking = reusableText.replace(/^ {2}batch:\n/m, "  batch:\n    permissions: { contents: read, actions: read }\n");
    const problems = permissionProblems([{ where: REUSABLE, text: asking }, caller("permissions: { contents: read }")]);
    expect(problems).toContain(`caller.yml job batch: ${REUSABLE} job batch asks for actions: read (granted none): startup_failure`);
  });

  it("fails continue: dispatch without actions: write, on a call and on the action in a step", () => {
    const reusable = { where: REUSABLE, text: reusableText };
    const call = caller("permissions: { contents: read, actions: read }", "      continue: dispatch\n");
    const step: WorkflowText = {
      where: "direct.yml",
      text: `on: push\njobs:\n  report:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: OWNER/resumable-batch@v1\n        with: { mode: report, continue: dispatch }\n`,
    };
    expect(permissionProblems([reusable, call, step])).toEqual([
      "caller.yml job batch: its report job needs actions: write (granted read)",
      "direct.yml job report: the action's inputs need actions: write (granted none)",
    ]);
  });

  it("reads permission shorthands and the caller's job-level grants", () => {
    expect(parsePermissions("read-all").actions).toBe("read");
    expect(missing({ actions: "write" }, parsePermissions("write-all"))).toEqual([]);
    expect(missing({ actions: "read" }, parsePermissions({}))).toEqual(["actions: read (granted none)"]);
    expect(localWorkflowPath("./.github/workflows/resumable-batch.yml")).toBe(REUSABLE);
    expect(localWorkflowPath("OWNER/resumable-batch/.github/workflows/resumable-batch.yml@v1")).toBe(REUSABLE);
    expect(localWorkflowPath("other/repo/.github/workflows/x.yml@v1")).toBeUndefined();
    const jobLevel = caller("permissions: {}").text.replace("    uses:", "    permissions: { contents: read, actions: read }\n    uses:");
    expect(
      permissionProblems([
        { where: REUSABLE, text: reusableText },
        { where: "caller.yml", text: jobLevel },
      ]),
    ).toEqual([]);
  });
});
