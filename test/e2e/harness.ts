// Plays workflow runs against the built action (dist/main, dist/post) the way the runner
// does: a fresh workspace per run, the runner's environment, main then post with the state
// main saved, and cancellation as SIGINT to the node PID only, SIGTERM 7.5 s later, SIGKILL
// 2.5 s after that.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ArtifactInfo, FakeGitHub } from "./service/fake-github.js";
import { runClientOp, stepEnv } from "./service/run-client.js";

const ROOT = resolve(import.meta.dirname, "../..");
export const MAIN = join(ROOT, "dist/main/index.js");
export const POST = join(ROOT, "dist/post/index.js");

/** The scenarios run the built action: say how to build it rather than fail obscurely. */
export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
}

/** The runner's cancellation timings (docs/ARCHITECTURE.md). */
export const SIGTERM_AFTER_MS = 7500;
export const SIGKILL_AFTER_MS = 2500;

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Which signals the harness had to send (cancel only). */
  signalsSent: string[];
}

export interface RunResult {
  runId: number;
  runAttempt: number;
  workspace: string;
  main: StepResult;
  post: StepResult;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

export interface PlayRunOptions {
  gh: FakeGitHub;
  runId: number;
  runAttempt?: number;
  /** Action inputs by name (kebab-case, as in action.yml). */
  inputs: Record<string, string>;
  /** Files to lay into the fresh workspace (a checkout), by relative path. */
  files?: Record<string, string>;
  /** Extra environment for both steps (e.g. where the handler records its work). */
  env?: Record<string, string>;
  /** Cancel the run this long after main started: SIGINT, then SIGTERM, then SIGKILL. */
  cancelAfterMs?: number;
  /** Cancel once this returns true (polled every 20 ms), instead of after a fixed time. */
  cancelWhen?: () => boolean;
  /** Bound each step (a hung step fails the test instead of hanging it). */
  stepTimeoutMs?: number;
}

/** Reads a GITHUB_STATE / GITHUB_OUTPUT file: `name<<DELIM\nvalue\nDELIM` or `name=value` lines. */
export function parseCommandFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(path)) return out;
  const lines = readFileSync(path, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      out[name!] = value.join("\n");
    } else if (line.includes("=")) {
      const at = line.indexOf("=");
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

/** Inputs as the runner passes them: INPUT_<NAME> upper-cased, spaces to underscores, dashes kept. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  return env;
}

export async function playRun(o: PlayRunOptions): Promise<RunResult> {
  const runAttempt = o.runAttempt ?? 1;
  const home = mkdtempSync(join(tmpdir(), `rb-run-${o.runId}-${runAttempt}-`));
  const workspace = join(home, "workspace");
  const runnerTemp = join(home, "temp");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  for (const [path, content] of Object.entries(o.files ?? {})) {
    mkdirSync(join(workspace, path, ".."), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const files = { state: join(home, "state.txt"), output: join(home, "output.txt"), summary: join(home, "summary.md") };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const base = {
    ...o.gh.runnerEnv({ runId: o.runId, runAttempt, workspace, runnerTemp }),
    GITHUB_STATE: files.state,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    ...o.env,
  };
  // The runner gives the step its inputs with defaults from action.yml filled in.
  const inputs = { ...(await actionDefaults()), ...o.inputs };
  const main = await runStep(MAIN, { ...base, ...inputEnv(inputs) }, workspace, o);
  // The runner turns saved state into STATE_<name> for the post step.
  const state = parseCommandFile(files.state);
  const stateEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(state)) stateEnv[`STATE_${k}`] = v;
  const post = await runStep(POST, { ...base, ...inputEnv(inputs), ...stateEnv }, workspace, {
    ...o,
    cancelAfterMs: undefined,
    cancelWhen: undefined,
  });
  return {
    runId: o.runId,
    runAttempt,
    workspace,
    main,
    post,
    outputs: parseCommandFile(files.output),
    state,
    summary: readFileSync(files.summary, "utf8"),
  };
}

let defaults: Record<string, string> | undefined;
/** Defaults of action.yml's inputs (`default: "…"`), read with a YAML parser. */
async function actionDefaults(): Promise<Record<string, string>> {
  if (defaults) return defaults;
  const { parse } = await import("yaml");
  const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, { default?: unknown }> };
  defaults = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (spec.default === undefined) continue;
    const value = String(spec.default);
    // Expressions such as ${{ github.token }} are the runner's to expand; the stand-in accepts any token.
    defaults[name] = value.includes("${{") ? "test-token" : value;
  }
  return defaults;
}

function runStep(entry: string, env: Record<string, string>, cwd: string, o: PlayRunOptions): Promise<StepResult> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [entry], { cwd, env: stepEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const signalsSent: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  const cancel = () => {
    // The runner signals the node PID only, never its process group.
    signalsSent.push("SIGINT");
    child.kill("SIGINT");
    timers.push(
      setTimeout(() => {
        signalsSent.push("SIGTERM");
        child.kill("SIGTERM");
        timers.push(
          setTimeout(() => {
            signalsSent.push("SIGKILL");
            child.kill("SIGKILL");
          }, SIGKILL_AFTER_MS),
        );
      }, SIGTERM_AFTER_MS),
    );
  };
  if (o.cancelAfterMs !== undefined) timers.push(setTimeout(cancel, o.cancelAfterMs));
  if (o.cancelWhen) {
    const poll = setInterval(() => {
      if (o.cancelWhen!()) {
        clearInterval(poll);
        cancel();
      }
    }, 20);
    timers.push(poll);
  }
  timers.push(setTimeout(() => child.kill("SIGKILL"), o.stepTimeoutMs ?? 120_000));
  return new Promise((resolveStep) => {
    child.on("close", (exitCode, signal) => {
      for (const t of timers) clearTimeout(t);
      resolveStep({ exitCode, signal, durationMs: Date.now() - startedAt, stdout, stderr, signalsSent });
    });
  });
}

/** Lines of the handler's own record: one per item it finished, across every run. */
export function recordLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

/** Ids that appear more than once in the handler's record. */
export function repeats(lines: string[]): string[] {
  const seen = new Map<string, number>();
  for (const l of lines) seen.set(l, (seen.get(l) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

/** A scenario's own folder (with the file its handler records finished ids in) and state key. */
export function scenario(name: string): { dir: string; record: string; stateKey: string } {
  const dir = mkdtempSync(join(tmpdir(), `rb-e2e-${name}-`));
  return { dir, record: join(dir, "record.txt"), stateKey: name };
}

/** Everything a run's two steps printed. */
export function runLog(r: RunResult): string {
  return r.main.stdout + r.main.stderr + r.post.stdout + r.post.stderr;
}

/**
 * A file of the artifact of `runId` that `pick` chooses, downloaded with the real client
 * through the REST API (from a step of an unrelated run, as the review job would).
 */
export async function artifactFile(gh: FakeGitHub, runId: number, pick: (a: ArtifactInfo) => boolean, file: string): Promise<string> {
  const artifact = gh.artifacts().find((a) => a.runId === runId && pick(a));
  if (!artifact)
    throw new Error(
      `no such artifact in run ${runId}: ${gh
        .artifacts()
        .map((a) => `${a.runId}/${a.name}`)
        .join(", ")}`,
    );
  const path = mkdtempSync(join(tmpdir(), "rb-dl-"));
  const got = await runClientOp(
    "artifact.download",
    { id: artifact.id, path, findBy: { token: "test-token", workflowRunId: runId, repositoryOwner: gh.owner, repositoryName: gh.repo } },
    { env: gh.runnerEnv({ runId: 990_000 + runId }), timeoutMs: 60_000 },
  );
  if (!got.ok) throw new Error(`download failed: ${JSON.stringify(got.error)} ${got.stdout.slice(-2000)}`);
  const found = (readdirSync(path, { recursive: true }) as string[]).find((e) => e.split("/").pop() === file);
  if (!found) throw new Error(`${file} not in ${artifact.name} (${readdirSync(path, { recursive: true }).join(", ")})`);
  return readFileSync(join(path, found), "utf8");
}
