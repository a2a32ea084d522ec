/**
 * The spawn server under the built CLI's real life: a terminal's Ctrl-C goes to the whole
 * foreground process group, which must not take the server down before the engine has
 * stopped gracefully; and a CLI killed with SIGKILL must not leave the server behind.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { cliEnv, isRunning, itemIds, prepareCli, readLines, runCli, tempDirsPerTest, waitUntil, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-spawn-server-");
const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
});

/** The CLI in a process group of its own, as a shell starts a foreground job. */
function startInOwnGroup(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: cliEnv(env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  leftovers.push(child.pid!);
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
  return { child, done };
}

function spawnServerOf(pid: number): number | undefined {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" });
  const line = out.split("\n").find((l) => /python3? -I -S -c/.test(l));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/)[0]);
}

describe.each(["1", "0"])("RESUMABLE_BATCH_SPAWN_SERVER=%s", (flag) => {
  it("Ctrl-C to the CLI's process group stops it gracefully: in-flight items finish and are recorded", async () => {
    const dir = newDir();
    const ids = itemIds(40);
    writeFile(dir, "items.txt", ids.join("\n") + "\n");
    const args = [
      "run",
      "--items",
      "items.txt",
      "--run",
      `sleep 0.3; printf '%s\\n' "$ITEM_ID" >> done.log`,
      "--concurrency",
      "3",
      "--state-dir",
      "state",
    ];
    const run = startInOwnGroup(args, dir, { RESUMABLE_BATCH_SPAWN_SERVER: flag });
    await waitUntil(() => readLines(join(dir, "done.log")).length >= 4, "4 items done");
    if (flag === "1") expect(spawnServerOf(run.child.pid!)).toBeDefined();
    process.kill(-run.child.pid!, "SIGINT");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    const done = readLines(join(dir, "done.log"));
    const status = await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir });
    // Every item whose command finished is in the checkpoint: none was cut off by the signal.
    expect(JSON.parse(status.stdout)).toMatchObject({ done: done.length, failed: 0 });
  });
});

it("a CLI killed with SIGKILL leaves no spawn server and no command behind, even one that ignores SIGTERM", async () => {
  const dir = newDir();
  writeFile(dir, "items.txt", "a\nb\n");
  // Item a's shell and its sleep ignore SIGTERM (SIG_IGN is inherited across exec): only SIGKILL stops them.
  const handler = `case "$ITEM_ID" in a) trap '' TERM;; esac; echo $$ >> pids.log; sleep 30`;
  const run = startInOwnGroup(["run", "--items", "items.txt", "--run", handler, "--concurrency", "2", "--state-dir", "state"], dir);
  await waitUntil(() => readLines(join(dir, "pids.log")).length === 2, "both items started");
  for (const pid of readLines(join(dir, "pids.log"))) leftovers.push(Number(pid));
  const server = spawnServerOf(run.child.pid!);
  expect(server).toBeDefined();
  process.kill(run.child.pid!, "SIGKILL");
  await run.done;
  // Its standard input closed with the CLI: it exits by itself.
  await waitUntil(() => !isRunning(server!), "the spawn server to exit", 5000);
  // And it stopped the commands in flight: a resumed run must not find them still running.
  for (const pid of readLines(join(dir, "pids.log"))) await waitUntil(() => !isRunning(Number(pid)), `command ${pid} to stop`, 5000);
});
