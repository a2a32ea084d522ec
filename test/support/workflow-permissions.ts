import { parse } from "yaml";
import type { WorkflowText } from "./workflow-files.js";

/**
 * The GITHUB_TOKEN permissions of a workflow's jobs, as GitHub computes them: a job's
 * `permissions` or else the workflow's, or else the repository default (taken as the
 * restricted default GitHub gives new repositories and organisations: contents and packages
 * read). A called (reusable) workflow's job may ask only for what the caller granted, or the
 * whole run fails at start-up (actions/runner#4151); a called job without `permissions` asks
 * for nothing and takes the caller's grants.
 */
export type Level = "none" | "read" | "write";
export type Grants = Record<string, Level>;

const SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
];
const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };
export const RESTRICTED_DEFAULT: Grants = { contents: "read", packages: "read" };

type Json = Record<string, unknown>;

/** `read-all`, `write-all`, `{}` or a mapping, as a full table of scopes. */
export function parsePermissions(value: unknown): Grants {
  const all = (level: Level): Grants => Object.fromEntries(SCOPES.map((s) => [s, level]));
  if (value === "read-all") return all("read");
  if (value === "write-all") return all("write");
  const grants = all("none");
  if (value && typeof value === "object") for (const [scope, level] of Object.entries(value)) grants[scope] = level as Level;
  return grants;
}

/** Scopes `asked` wants beyond `granted`, like `actions: write (granted read)`. */
export function missing(asked: Grants, granted: Grants): string[] {
  return Object.entries(asked)
    .filter(([scope, level]) => RANK[level] > RANK[granted[scope] ?? "none"])
    .map(([scope, level]) => `${scope}: ${level} (granted ${granted[scope] ?? "none"})`);
}

/** What a job of `workflow` runs with (it asks for this, when it is called). */
function jobGrants(workflow: Json, job: Json): Grants {
  if ("permissions" in job) return parsePermissions(job.permissions);
  if ("permissions" in workflow) return parsePermissions(workflow.permissions);
  return { ...parsePermissions({}), ...RESTRICTED_DEFAULT };
}

/** What a called workflow's job asks for explicitly, or undefined when it takes the caller's grants. */
function calledJobAsks(workflow: Json, job: Json): Grants | undefined {
  if ("permissions" in job) return parsePermissions(job.permissions);
  if ("permissions" in workflow) return parsePermissions(workflow.permissions);
  return undefined;
}

/** `./.github/workflows/x.yml` or `OWNER/resumable-batch/.github/workflows/x.yml@v1` → `.github/workflows/x.yml`. */
export function localWorkflowPath(uses: string): string | undefined {
  const m = /^(?:\.\/|[^/@\s]+\/resumable-batch\/)(\.github\/workflows\/[^@\s]+\.ya?ml)(?:@\S+)?$/.exec(uses);
  return m?.[1];
}

/** The action of this repository, as a step names it. */
function isThisAction(uses: unknown): boolean {
  return uses === "./" || (typeof uses === "string" && /^[^/@\s]+\/resumable-batch@\S+$/.test(uses));
}

/**
 * Features the action needs a permission for, read from a step's `with:` (the README's
 * Permissions table): `mode: report` lists and downloads this run's shard artifacts through
 * the REST API (actions: read), `continue: dispatch` starts a run (actions: write).
 */
function featureNeeds(withInputs: Json | undefined): Grants {
  const needs: Grants = {};
  if (withInputs?.mode === "report") needs.actions = "read";
  if (withInputs?.continue === "dispatch") needs.actions = "write";
  return needs;
}

/** A call of the reusable workflow always runs its report job (mode: report). */
function callNeeds(withInputs: Json | undefined): Grants {
  return featureNeeds({ ...withInputs, mode: "report" });
}

/**
 * Every problem found: a called job asking beyond its caller's grants, or a job using a
 * feature of the action (continue: dispatch) its token cannot serve.
 */
export function permissionProblems(workflows: WorkflowText[]): string[] {
  const byPath = new Map(workflows.map((w) => [w.where, parse(w.text) as Json]));
  const problems: string[] = [];
  for (const [where, workflow] of byPath) {
    for (const [jobId, jobValue] of Object.entries((workflow.jobs ?? {}) as Json)) {
      const job = jobValue as Json;
      const grants = jobGrants(workflow, job);
      const at = `${where} job ${jobId}`;
      if (typeof job.uses === "string") {
        problems.push(...callProblems(at, job, grants, byPath));
        continue;
      }
      for (const step of (job.steps ?? []) as Json[]) {
        if (!isThisAction(step.uses)) continue;
        for (const gap of missing(featureNeeds(step.with as Json | undefined), grants)) problems.push(`${at}: the action's inputs need ${gap}`);
      }
    }
  }
  return problems;
}

function callProblems(at: string, job: Json, grants: Grants, byPath: Map<string, Json>): string[] {
  const path = localWorkflowPath(job.uses as string);
  if (!path) return [];
  const called = byPath.get(path);
  if (!called) return [`${at}: calls ${path}, which is not in the repository`];
  const problems = missing(callNeeds(job.with as Json | undefined), grants).map((gap) => `${at}: its report job needs ${gap}`);
  for (const [calledId, calledJob] of Object.entries((called.jobs ?? {}) as Json)) {
    const asks = calledJobAsks(called, calledJob as Json);
    if (!asks) continue;
    for (const gap of missing(asks, grants)) problems.push(`${at}: ${path} job ${calledId} asks for ${gap}: startup_failure`);
  }
  return problems;
}
