import { existsSync, readFileSync } from "node:fs";
import type { StopReason } from "../core/index.js";
import { markdownCode, markdownText } from "../report/markdown.js";
import { bounded } from "./bounded.js";
import type { ActionHost, ActionTimeouts } from "./host.js";
import { inputName, type ContinueMode } from "./inputs.js";
import type { RunContext, SavedResult } from "./main-post-state.js";

/**
 * `continue: dispatch`: a run that stopped on its time budget with items left starts the
 * same workflow again at once (POST …/actions/workflows/{file}/dispatches), instead of
 * leaving the rest to the next scheduled run. Guards keep a chain from looping: only a
 * budget stop (never a cancel, a failure-rate stop or a finished batch), only after
 * progress, at most `max-chain` runs in a row, and only once the state is saved.
 */
export type ContinueDecision = { dispatch: true; nextChain: number } | { dispatch: false; reason: string };

/** What a run (or, for shards, the matrix) did, as far as continuing cares. */
export interface ContinueFacts {
  continueMode: ContinueMode;
  maxChain: number;
  /** This run's place in its chain (0: nobody chained it). */
  chain: number;
  stopReason: StopReason | undefined;
  processed: number;
  remaining: number;
  complete: boolean;
}

/** The guards, in the order they are explained to people. */
export function decideContinue(f: ContinueFacts): ContinueDecision {
  if (f.continueMode !== "dispatch") return { dispatch: false, reason: "continue is none" };
  if (f.stopReason === "signal") return { dispatch: false, reason: "the run was cancelled; a cancel is never continued" };
  if (f.stopReason === "failure-rate") return { dispatch: false, reason: "the run stopped on max-failure-rate; fix the cause first" };
  if (f.complete) return { dispatch: false, reason: "nothing is left to do" };
  if (f.stopReason !== "budget") {
    return {
      dispatch: false,
      reason: `the run did not stop on its time budget (${f.stopReason ?? "it did not finish"}); the ${f.remaining} item(s) left wait for the next run`,
    };
  }
  if (f.processed === 0) return { dispatch: false, reason: "nothing was processed in this run; starting again would loop without progress" };
  if (f.chain >= f.maxChain) {
    return { dispatch: false, reason: `this is run ${f.chain} of a chain and max-chain is ${f.maxChain}; the next scheduled or manual run goes on` };
  }
  return { dispatch: true, nextChain: f.chain + 1 };
}

/** The guards for an unsharded run, from what main recorded (`result` undefined: main did not finish). */
export function decideRunContinue(context: RunContext, result: SavedResult | undefined, chain: number): ContinueDecision {
  if (context.continueMode !== "dispatch") return { dispatch: false, reason: "continue is none" };
  if (context.shard)
    return { dispatch: false, reason: `this is shard ${context.shard}: with shards, the report job (mode: report) starts the next run` };
  return decideContinue({
    continueMode: context.continueMode,
    maxChain: context.maxChain,
    chain,
    stopReason: result?.stopReason,
    processed: result?.processed ?? 0,
    remaining: result?.remaining ?? 0,
    complete: result?.complete ?? false,
  });
}

/**
 * Acts on the decision once the state is saved (`saved`: in the cache or the artifact) and
 * returns the job summary's section. Without a saved state nothing is started: the next run
 * would restore the older state and repeat this run's work.
 */
export async function continueAfterSave(o: {
  host: ActionHost;
  timeouts: ActionTimeouts;
  decision: ContinueDecision;
  saved: boolean;
  token: string;
  maxChain: number;
}): Promise<string> {
  const { core } = o.host;
  if (!o.decision.dispatch) {
    core.info(`continue: not starting the workflow again: ${o.decision.reason}`);
    return renderContinueSection({ dispatched: false, reason: o.decision.reason });
  }
  if (!o.saved) {
    core.warning("continue: dispatch: the workflow was not started again because this run's state was saved nowhere", {
      title: "resumable-batch: not continued",
    });
    return renderContinueSection({ dispatched: false, reason: "this run's state was saved nowhere" });
  }
  return renderContinueSection(
    await dispatchContinuation({ host: o.host, timeouts: o.timeouts, token: o.token, nextChain: o.decision.nextChain, maxChain: o.maxChain }),
  );
}

/** The dispatch request, from the runner's environment. */
export interface DispatchTarget {
  owner: string;
  repo: string;
  /** The workflow file's name, from GITHUB_WORKFLOW_REF (the caller's, inside a reusable workflow). */
  workflowId: string;
  ref: string;
  /** The current event's inputs when it is a workflow_dispatch (retry-failures and the rest carry over). */
  inputs: Record<string, string>;
}

/** The target, or what is missing to build one. */
export function dispatchTarget(env: NodeJS.ProcessEnv): DispatchTarget | { problem: string } {
  const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) return { problem: "GITHUB_REPOSITORY is not set" };
  // owner/repo/.github/workflows/nightly.yml@refs/heads/main
  const file = /\/\.github\/workflows\/([^/@]+\.ya?ml)@/.exec(env.GITHUB_WORKFLOW_REF ?? "")?.[1];
  if (!file) return { problem: `GITHUB_WORKFLOW_REF ('${env.GITHUB_WORKFLOW_REF ?? ""}') names no workflow file` };
  const ref = env.GITHUB_REF ?? "";
  if (!ref) return { problem: "GITHUB_REF is not set" };
  // A pull request's merge ref (refs/pull/N/merge) cannot be dispatched.
  if (!/^refs\/(heads|tags)\//.test(ref)) return { problem: `a run on ${ref} cannot be started again: only branches and tags can be dispatched` };
  const inputs = env.GITHUB_EVENT_NAME === "workflow_dispatch" ? dispatchInputs(env.GITHUB_EVENT_PATH) : {};
  return { owner, repo, workflowId: file, ref, inputs };
}

/**
 * The `inputs` of a workflow_dispatch event payload, as the dispatch API takes them:
 * strings (a boolean input arrives as true/false in the payload).
 */
export function dispatchInputs(eventPath: string | undefined): Record<string, string> {
  if (!eventPath || !existsSync(eventPath)) return {};
  try {
    const event = JSON.parse(readFileSync(eventPath, "utf8")) as { inputs?: unknown };
    if (typeof event.inputs !== "object" || event.inputs === null || Array.isArray(event.inputs)) return {};
    const inputs: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.inputs)) {
      if (value === null || value === undefined) continue;
      inputs[name] = typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    return inputs;
  } catch {
    return {};
  }
}

export type ContinueOutcome =
  { dispatched: true; target: DispatchTarget; nextChain: number } | { dispatched: false; reason: string; warned: boolean };

/**
 * Starts the workflow again. Never throws: a failed or timed-out dispatch is a warning
 * (the next scheduled run still goes on from the saved state).
 */
export async function dispatchContinuation(o: {
  host: ActionHost;
  timeouts: ActionTimeouts;
  token: string;
  nextChain: number;
  maxChain: number;
}): Promise<ContinueOutcome> {
  const { core } = o.host;
  const warn = (reason: string): ContinueOutcome => {
    core.warning(`continue: dispatch: the workflow was not started again: ${reason}. The next scheduled run goes on from the saved state.`, {
      title: "resumable-batch: not continued",
    });
    return { dispatched: false, reason, warned: true };
  };
  if (!o.token) return warn(`${inputName("github-token")} is blank`);
  const target = dispatchTarget(o.host.env);
  if ("problem" in target) return warn(target.problem);
  const sent = await bounded(o.host.system, o.timeouts.dispatchMs, `dispatching ${target.workflowId}`, (signal) =>
    o.host.workflows.dispatch({ ...target, token: o.token, signal }),
  );
  if (!sent.ok) {
    const hint = /workflow_dispatch/i.test(sent.reason)
      ? " (the workflow needs an on: workflow_dispatch trigger)"
      : /\b(403|404)\b|not accessible/i.test(sent.reason)
        ? " (the github-token needs actions: write)"
        : "";
    return warn(`${sent.reason}${hint}`);
  }
  core.info(
    `continue: started ${target.workflowId} again on ${target.ref} (run ${o.nextChain} of at most ${o.maxChain} in this chain)` +
      (Object.keys(target.inputs).length > 0 ? ` with inputs ${Object.keys(target.inputs).join(", ")}` : ""),
  );
  return { dispatched: true, target, nextChain: o.nextChain };
}

/** The job summary's section on continuing (only with `continue: dispatch`). */
export function renderContinueSection(outcome: ContinueOutcome | { dispatched: false; reason: string }): string {
  const lines = ["### Continuing", ""];
  if (outcome.dispatched) {
    lines.push(
      `Started ${markdownCode(outcome.target.workflowId, 200)} again on ${markdownCode(outcome.target.ref, 200)}: chained run ${outcome.nextChain} is queued and goes on from this state.`,
    );
  } else {
    lines.push(`Not started again: ${markdownText(outcome.reason, 500)}.`);
  }
  return lines.join("\n") + "\n";
}
