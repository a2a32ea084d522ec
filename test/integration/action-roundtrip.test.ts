// main and post as the runner runs them: the bundled dist/ entries as child processes, talking
// to the real @actions/core through GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY.
// Cache and artifacts point at a closed local port, so those calls fail fast and are warned
// about (the service end-to-end tests live in test/e2e).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadState } from "../../src/core/state/state-store.js";
import { waitUntil } from "../support/wait-until.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const mainJs = join(repoRoot, "dist/main/index.js");
const postJs = join(repoRoot, "dist/post/index.js");
// The runner's Node 24 when the `node` package installed it (npm scripts put it first on PATH).
const node24 = join(repoRoot, "node_modules/.bin/node");
const nodeBin = existsSync(node24) ? node24 : process.execPath;

let root: string;
let closedPort: number;

beforeAll(async () => {
  if (!existsSync(mainJs) || !existsSync(postJs)) throw new Error("dist/main or dist/post is missing: run `npm run build` first");
  root = mkdtempSync(join(tmpdir(), "rb-roundtrip-"));
  closedPort = await new Promise<number>((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Parses a file-command file (`name<<delimiter\nvalue\ndelimiter`), as the runner does. */
function readFileCommands(path: string): Record<string, string> {
  const text = readFileSync(path, "utf8");
  const values: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) values[m[1]!] = m[3]!;
  return values;
}

interface Step {
  dir: string;
  env: NodeJS.ProcessEnv;
  files: { state: string; output: string; summary: string };
}

function step(name: string, inputs: Record<string, string>, items: string[]): Step {
  const dir = join(root, name);
  const workspace = join(dir, "workspace");
  mkdirSync(workspace, { recursive: true });
  mkdirSync(join(dir, "temp"));
  writeFileSync(join(workspace, "items.jsonl"), items.map((id) => JSON.stringify({ id })).join("\n") + "\n");
  const files = { state: join(dir, "state.txt"), output: join(dir, "output.txt"), summary: join(dir, "summary.md") };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(dir, "temp"),
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_REPOSITORY: "owner/repo",
    GITHUB_REF: "refs/heads/main",
    GITHUB_WORKFLOW: "batch",
    GITHUB_STATE: files.state,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_API_URL: `http://127.0.0.1:${closedPort}`,
    ACTIONS_RESULTS_URL: `http://127.0.0.1:${closedPort}/`,
    NO_PROXY: "127.0.0.1,localhost",
  };
  // No github-token: no REST lookup. With one, an unreachable REST API is an outage and main
  // runs nothing (see the last test); these tests are about main and post running.
  for (const [key, value] of Object.entries({ items: "items.jsonl", "github-token": "", ...inputs })) {
    env[`INPUT_${key.toUpperCase()}`] = value;
  }
  return { dir, env, files };
}

/** The post step's environment: the runner hands main's saved state over as STATE_<name>. */
function postEnv(s: Step): NodeJS.ProcessEnv {
  const env = { ...s.env };
  for (const [name, value] of Object.entries(readFileCommands(s.files.state))) env[`STATE_${name}`] = value;
  return env;
}

function runEntry(script: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(nodeBin, [script], { cwd: env.GITHUB_WORKSPACE, env, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("dist/main then dist/post through the real @actions/core", () => {
  it("runs the items, sets the outputs, hands state to post, which saves what it can and writes the summary", () => {
    const s = step("complete", { run: 'test "$ITEM_ID" != bad', "max-attempts": "1" }, ["a", "b", "bad"]);
    const main = runEntry(mainJs, s.env);
    expect(main.stderr).toBe("");
    expect(main.status).toBe(0);
    expect(main.stdout).toMatch(/::warning title=resumable-batch%3A fresh start::Fresh start/);
    expect(readFileCommands(s.files.output)).toEqual({
      "state-source": "fresh",
      processed: "3",
      succeeded: "2",
      failed: "1",
      remaining: "0",
      complete: "true",
      pass: "1",
      "next-pass-after": "",
    });
    const saved = readFileCommands(s.files.state);
    expect(Object.keys(saved).sort()).toEqual(["resumable-batch-context", "resumable-batch-restore", "resumable-batch-result"]);
    const stateDir = join(s.env.GITHUB_WORKSPACE!, ".resumable-batch");
    expect([...loadState(stateDir).state.done].sort()).toEqual(["a", "b"]);

    const post = runEntry(postJs, postEnv(s));
    expect(post.status).toBe(0);
    expect(post.stdout).toMatch(/::error title=Item bad failed \(permanent%2C 1 attempt\(s\)\)::bad: exit code 1/);
    expect(post.stdout).toMatch(/::warning title=resumable-batch%3A state not saved::this run's state was saved nowhere/);
    expect(post.stdout).not.toMatch(/::error::/);
    const summary = readFileSync(s.files.summary, "utf8");
    expect(summary).toMatch(/## resumable-batch — default/);
    expect(summary).toMatch(/\| This run \| 3 \| 2 \| 1 \|/);
    expect(summary).toMatch(/- Cache: \*\*not saved\*\* — the cache service is not available here/);
    expect(summary).toMatch(/- Artifact: \*\*not uploaded\*\* — artifact upload failed/);
    expect(existsSync(join(stateDir, "lock"))).toBe(false);
  });

  it("runs nothing when the REST API cannot be reached and nothing was restored; post saves nothing and says why", () => {
    const s = step("unreachable", { run: "true", "github-token": "not-a-token" }, ["a"]);
    const main = runEntry(mainJs, s.env);
    expect(main.status).toBe(0);
    expect(main.stdout).toMatch(/::warning title=resumable-batch%3A state unreachable%2C nothing run::Nothing was run/);
    expect(readFileCommands(s.files.output)).toMatchObject({ "state-source": "unavailable", processed: "0", complete: "false" });
    const post = runEntry(postJs, postEnv(s));
    expect(post.status).toBe(0);
    expect(post.stdout).toMatch(/nothing to save: the main step ran nothing/);
    expect(readFileSync(s.files.summary, "utf8")).toMatch(/Nothing was run: the saved state could not be reached/);
  });

  it("fails main on a bad input, naming it; post then has nothing to do", () => {
    const s = step("bad-input", { run: "true", "time-budget": "300" }, ["a"]);
    const main = runEntry(mainJs, s.env);
    expect(main.status).toBe(1);
    expect(main.stdout).toMatch(/::error::input 'time-budget': '300' has no unit/);
    const post = runEntry(postJs, postEnv(s));
    expect(post.status).toBe(0);
    expect(post.stdout).toMatch(/nothing to save/);
  });

  it("on SIGINT, main stops the handler, records finished work and exits well inside the runner's 7.5 s", async () => {
    const s = step("cancel", { run: 'if [ "$ITEM_ID" = slow ]; then touch slow-started; sleep 60; fi', concurrency: "1" }, ["a", "slow", "c"]);
    const child = spawn(nodeBin, [mainJs], { cwd: s.env.GITHUB_WORKSPACE, env: s.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    // Wait until the slow item is running (one lane: a is done, slow started).
    await waitUntil(() => existsSync(join(s.env.GITHUB_WORKSPACE!, "slow-started")), "the slow item to start");
    const signalledAt = Date.now();
    child.kill("SIGINT");
    const code = await exited;
    const tookMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    // The runner sends SIGTERM 7.5 s after SIGINT: main must be gone before that.
    expect(tookMs).toBeLessThan(7_400);
    expect(stdout).toMatch(/SIGINT received/);
    expect(readFileCommands(s.files.output)).toMatchObject({ processed: "1", complete: "false" });
    expect(readFileCommands(s.files.state)["resumable-batch-result"]).toMatch(/"stopReason":"signal"/);

    const post = runEntry(postJs, postEnv(s));
    expect(post.status).toBe(0);
    expect(readFileSync(s.files.summary, "utf8")).toMatch(/Stopped by a signal/);
    expect([...loadState(join(s.env.GITHUB_WORKSPACE!, ".resumable-batch")).state.done]).toEqual(["a"]);
  });
});
