/**
 * The --run handler with real processes, on both of its paths: through the spawn server
 * (python3) and through Node's own spawn. Every behaviour the engine relies on must be
 * the same on both; the server's own risks (large stdin, pipes held open, a dying server,
 * no python3) are tested at the end.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCommandHandler, MAX_ITEM_JSON_ENV_BYTES, type CommandHandlerOptions } from "../../src/core/handlers/command/command-handler.js";
import type { AttemptResult, Handler } from "../../src/core/handlers/handler.js";
import { realSystem } from "../../src/core/platform/system.js";
import { waitUntil } from "../support/wait-until.js";

const root = mkdtempSync(join(tmpdir(), "rb-command-handler-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
function newDir(): string {
  const dir = join(root, String(++dirCount));
  execFileSync("mkdir", ["-p", dir]);
  return dir;
}

const handlers: Handler[] = [];
/** Process groups a failing test might leave behind. */
const leftovers: number[] = [];
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((h) => h.close?.()));
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
});

function handler(command: string, o: Partial<CommandHandlerOptions> & { python: string | false }): Handler {
  const h = createCommandHandler({
    command,
    transientExitCodes: new Set([75]),
    killGraceMs: 500,
    env: { PATH: process.env.PATH, BASE_VAR: "from the base environment" },
    system: realSystem,
    ...o,
  });
  handlers.push(h);
  return h;
}

function run(h: Handler, data: unknown, o: { id?: string; attempt?: number; signal?: AbortSignal; key?: string } = {}): Promise<AttemptResult> {
  const id = o.id ?? "item-1";
  return h.run(
    { id, data, line: 1 },
    {
      id,
      attempt: o.attempt ?? 1,
      idempotencyKey: o.key ?? `key-${id}`,
      signal: o.signal ?? new AbortController().signal,
      stopping: new AbortController().signal,
    },
  );
}

/** Whether a process is running (a zombie left unreaped by a container's init is not). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
  } catch {
    return false;
  }
}

/** Our spawn servers: python3 children of this process. */
function spawnServerPids(): number[] {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => /python3? -I -S -c/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

const paths = [
  { path: "spawn server", python: "python3" as const, parent: /python/ },
  { path: "Node spawn", python: false as const, parent: /node/ },
];

describe.each(paths)("command handler via $path", ({ python, parent }) => {
  it("runs the command under the path being tested", async () => {
    const dir = newDir();
    const r = await run(handler(`tr '\\0' ' ' < /proc/$PPID/cmdline > parent.txt`, { python, cwd: dir }), {});
    expect(r).toEqual({ ok: true });
    expect(readFileSync(join(dir, "parent.txt"), "utf8")).toMatch(parent);
  });

  it("gives the item on stdin and in the environment, with the base environment and cwd", async () => {
    const dir = newDir();
    const h = handler(`cat > stdin.txt; env > env.txt`, { python, cwd: dir });
    const data = { id: "a", text: "é ü 😀" };
    expect(await run(h, data, { id: "a", attempt: 3 })).toEqual({ ok: true });
    expect(readFileSync(join(dir, "stdin.txt"), "utf8")).toBe(JSON.stringify(data) + "\n");
    const env = readFileSync(join(dir, "env.txt"), "utf8").split("\n");
    expect(env).toEqual(
      expect.arrayContaining([
        "ITEM_ID=a",
        "ITEM_ATTEMPT=3",
        "IDEMPOTENCY_KEY=key-a",
        `ITEM_JSON=${JSON.stringify(data)}`,
        "BASE_VAR=from the base environment",
      ]),
    );
    expect(env.filter((l) => l.startsWith("ITEM_JSON_ON_STDIN_ONLY="))).toEqual([]);
    // Nothing Python adds at its start-up (LC_CTYPE, by locale coercion) reaches the command.
    expect(env.filter((l) => l.startsWith("LC_"))).toEqual([]);
  });

  it("passes an item too large for the environment on stdin only", async () => {
    const dir = newDir();
    const h = handler(`wc -c > size.txt; echo "\${ITEM_JSON-unset} $ITEM_JSON_ON_STDIN_ONLY" > env.txt`, { python, cwd: dir });
    const data = { big: "x".repeat(MAX_ITEM_JSON_ENV_BYTES) };
    expect(await run(h, data)).toEqual({ ok: true });
    expect(Number(readFileSync(join(dir, "size.txt"), "utf8"))).toBe(JSON.stringify(data).length + 1);
    expect(readFileSync(join(dir, "env.txt"), "utf8")).toBe("unset 1\n");
  });

  it("classifies exit codes: transient ones, permanent ones with the stderr tail, or stdout's when stderr is empty", async () => {
    expect(await run(handler(`echo out; echo oops >&2; exit 75`, { python }), {})).toEqual({
      ok: false,
      kind: "transient",
      error: "exit code 75: oops",
      exitCode: 75,
    });
    expect(await run(handler(`echo out; echo oops >&2; exit 3`, { python }), {})).toEqual({
      ok: false,
      kind: "permanent",
      error: "exit code 3: oops",
      exitCode: 3,
    });
    expect(await run(handler(`echo only stdout; exit 4`, { python }), {})).toEqual({
      ok: false,
      kind: "permanent",
      error: "exit code 4: only stdout",
      exitCode: 4,
    });
    expect(await run(handler(`exit 5`, { python }), {})).toEqual({ ok: false, kind: "permanent", error: "exit code 5", exitCode: 5 });
    const long = await run(handler(`i=0; while [ $i -lt 100 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 1`, { python }), {});
    expect(long).toMatchObject({ kind: "permanent" });
    expect((long as { error: string }).error.split("\n")).toEqual([
      "exit code 1: line 80",
      ...Array.from({ length: 19 }, (_, i) => `line ${81 + i}`),
    ]);
  });

  it("reports a command killed by a signal as transient", async () => {
    expect(await run(handler(`echo dying >&2; kill -KILL $$`, { python }), {})).toEqual({
      ok: false,
      kind: "transient",
      error: "killed by SIGKILL: dying",
    });
  });

  it("exit 127 before any success is a setup error; after a success it is the item's own permanent failure", async () => {
    const dir = newDir();
    const h = handler(`test "$ITEM_ID" != ok || exit 0; no-such-command-rb`, { python, cwd: dir });
    const first = await run(h, {}, { id: "a" });
    expect(first).toMatchObject({ ok: false, kind: "setup" });
    expect((first as { error: string }).error).toMatch(/^--run 'test .*' cannot run \(exit code 127: not found: .*no-such-command-rb.*not found\)/);
    expect(await run(h, {}, { id: "ok" })).toEqual({ ok: true });
    const later = await run(h, {}, { id: "b" });
    expect(later).toMatchObject({ ok: false, kind: "permanent" });
    expect((later as { error: string }).error).toMatch(/^exit code 127: .*no-such-command-rb.*not found/);
  });

  it("a script without its execute bit (126) is a setup error that says chmod +x", async () => {
    const dir = newDir();
    writeFileSync(join(dir, "process.sh"), "#!/bin/sh\nexit 0\n", { mode: 0o644 });
    const r = await run(handler(`./process.sh`, { python, cwd: dir, name: "input 'run'" }), {});
    expect(r).toMatchObject({ ok: false, kind: "setup" });
    expect((r as { error: string }).error).toMatch(
      /^input 'run' '\.\/process\.sh' cannot run \(exit code 126: found but not executable: .*Permission denied\): \.\/process\.sh is not executable: run `chmod \+x \.\/process\.sh`/,
    );
  });

  it("a missing script (127) is a setup error that names the folder it was looked for in", async () => {
    const dir = newDir();
    const r = await run(handler(`./scripts/missing.sh --flag`, { python, cwd: dir }), {});
    expect(r).toMatchObject({ ok: false, kind: "setup" });
    expect((r as { error: string }).error).toContain(`./scripts/missing.sh not found relative to ${dir} (the working folder)`);
  });

  it("a transient exit code list that names 126/127 keeps them transient", async () => {
    const r = await run(handler(`exit 127`, { python, transientExitCodes: new Set([127]) }), {});
    expect(r).toEqual({ ok: false, kind: "transient", error: "exit code 127", exitCode: 127 });
  });

  it("a command that cannot start (its folder is missing: ENOENT) is a setup error", async () => {
    const r = await run(handler(`true`, { python, cwd: join(root, "missing") }), {});
    expect(r).toMatchObject({ ok: false, kind: "setup" });
    expect((r as { error: string }).error).toMatch(/^--run 'true' cannot run \(could not start: .*ENOENT/);
  });

  it("an item nested too deeply to serialise fails alone, with the reason", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const r = await run(handler(`cat > /dev/null`, { python }), deep);
    expect(r).toMatchObject({ ok: false, kind: "permanent" });
    expect((r as { error: string }).error).toMatch(/^the item cannot be written as JSON: Maximum call stack size exceeded \(nested too deeply\?\)/);
  });

  it("ITEM_JSON and ITEM_ID are capped in bytes, not characters: 60,000 CJK characters and a 140 kB id reach the command on stdin", async () => {
    const dir = newDir();
    const h = handler(`wc -c > size.txt; echo "\${ITEM_JSON-unset} $ITEM_JSON_ON_STDIN_ONLY \${ITEM_ID-unset} $ITEM_ID_ON_STDIN_ONLY" > env.txt`, {
      python,
      cwd: dir,
    });
    const data = { id: "cjk", text: "漢".repeat(60_000) };
    expect(JSON.stringify(data).length).toBeLessThan(MAX_ITEM_JSON_ENV_BYTES);
    expect(await run(h, data, { id: "cjk" })).toEqual({ ok: true });
    expect(Number(readFileSync(join(dir, "size.txt"), "utf8"))).toBe(Buffer.byteLength(JSON.stringify(data)) + 1);
    expect(readFileSync(join(dir, "env.txt"), "utf8")).toBe("unset 1 cjk \n");
    const longId = "i".repeat(140_000);
    expect(await run(h, longId, { id: longId, key: "k" })).toEqual({ ok: true });
    expect(readFileSync(join(dir, "env.txt"), "utf8")).toBe("unset 1 unset 1\n");
    const fits = "d".repeat(99_000);
    expect(await run(h, "x", { id: fits, key: "k" })).toEqual({ ok: true });
    expect(readFileSync(join(dir, "env.txt"), "utf8")).toBe(`"x"  ${fits} \n`);
  });

  it("turns invalid UTF-8 in the output into replacement characters", async () => {
    const r = await run(handler(`printf 'bad \\377\\376 bytes\\n' >&2; exit 1`, { python }), {});
    expect(r).toEqual({ ok: false, kind: "permanent", error: "exit code 1: bad \uFFFD\uFFFD bytes", exitCode: 1 });
  });

  it("on abort, stops the whole process group with SIGTERM: a grandchild too", async () => {
    const dir = newDir();
    const h = handler(`sh -c 'sleep 30 & echo $! > grandchild.pid; wait'`, { python, cwd: dir });
    const abort = new AbortController();
    const result = run(h, {}, { signal: abort.signal });
    const pidFile = join(dir, "grandchild.pid");
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), "the grandchild to start");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    leftovers.push(grandchild);
    abort.abort();
    expect(await result).toEqual({ ok: false, kind: "timeout", error: "stopped with SIGTERM" });
    await waitUntil(() => !isRunning(grandchild), "the grandchild to stop", 2000);
  });

  it("on abort, follows with SIGKILL after killGraceMs when SIGTERM is ignored", async () => {
    const dir = newDir();
    const h = handler(`trap '' TERM; echo started > started.txt; sleep 30`, { python, cwd: dir, killGraceMs: 300 });
    const abort = new AbortController();
    const result = run(h, {}, { signal: abort.signal });
    await waitUntil(() => existsSync(join(dir, "started.txt")), "the command to start");
    const abortedAt = Date.now();
    abort.abort();
    expect(await result).toEqual({ ok: false, kind: "timeout", error: "stopped with SIGKILL" });
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(250);
  });

  it("stops a command at once when the signal was aborted before the start", async () => {
    const abort = new AbortController();
    abort.abort();
    // Killed, not finished: `sleep 30` left alone would have exited 0. SIGTERM as a rule; on a
    // loaded machine the group can outlive the kill grace and get SIGKILL: stopped all the same.
    const result = await run(handler(`sleep 30`, { python }), {}, { signal: abort.signal });
    expect(result).toMatchObject({ ok: false, kind: "timeout" });
    expect(result).toHaveProperty("error", expect.stringMatching(/^stopped with SIG(TERM|KILL)$/));
  });

  it("close() kills the process groups of attempts still running", async () => {
    const dir = newDir();
    const h = handler(`echo $$ > pid.txt; trap '' TERM; sleep 30`, { python, cwd: dir });
    const result = run(h, {});
    const pidFile = join(dir, "pid.txt");
    await waitUntil(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), "the command to start");
    const pid = Number(readFileSync(pidFile, "utf8"));
    leftovers.push(pid);
    await h.close?.();
    await waitUntil(() => !isRunning(pid), "the command to be killed", 2000);
    expect((await result).ok).toBe(false);
  });

  it("takes a 10 MB item whether or not the command reads its stdin", async () => {
    const dir = newDir();
    const data = { blob: "y".repeat(10_000_000) };
    expect(await run(handler(`true`, { python }), data)).toEqual({ ok: true });
    expect(await run(handler(`exec 0<&-; sleep 0.2`, { python }), data)).toEqual({ ok: true });
    expect(await run(handler(`wc -c > size.txt`, { python, cwd: dir }), data)).toEqual({ ok: true });
    expect(Number(readFileSync(join(dir, "size.txt"), "utf8"))).toBe(JSON.stringify(data).length + 1);
  });

  it("finishes an item about 1 s after its command exits when a grandchild holds stdout open", async () => {
    const dir = newDir();
    const h = handler(`sleep 30 & echo $! > grandchild.pid; exit 0`, { python, cwd: dir });
    const startedAt = Date.now();
    expect(await run(h, {})).toEqual({ ok: true });
    const tookMs = Date.now() - startedAt;
    leftovers.push(Number(readFileSync(join(dir, "grandchild.pid"), "utf8")));
    expect(tookMs).toBeGreaterThanOrEqual(900);
    // Bounded by the drain, not by the grandchild's 30 s (room left for a loaded machine).
    expect(tookMs).toBeLessThan(25_000);
  });

  it("with results on, gives standard output as the result: JSON when it parses, else trimmed text; stderr stays out", async () => {
    const o = { python, maxResultBytes: 1024 };
    expect(await run(handler(`echo '{"rows": 3}'; echo progress >&2`, o), {})).toEqual({ ok: true, result: { rows: 3 } });
    expect(await run(handler(`printf '  synced %s  \n\n' "$ITEM_ID"`, o), {})).toEqual({ ok: true, result: "synced item-1" });
    expect(await run(handler(`echo progress >&2`, o), {})).toEqual({ ok: true });
    expect(await run(handler(`echo '{"rows": 3}'`, { python }), {})).toEqual({ ok: true });
  });

  it("with results on, fails an item whose output is over the cap, and keeps up to the cap plus trailing space", async () => {
    const o = { python, maxResultBytes: 1024 };
    const over = await run(handler(`head -c 300000 /dev/zero | tr '\\0' x`, o), {});
    expect(over).toMatchObject({ ok: false, kind: "permanent", error: expect.stringMatching(/^standard output is over max-result-size 1 KiB/) });
    const fits = await run(handler(`head -c 1024 /dev/zero | tr '\\0' y; printf '\n\n\n'`, o), {});
    expect(fits).toEqual({ ok: true, result: "y".repeat(1024) });
  });

  it("runs many commands at once, each with its own result", async () => {
    const h = handler(`test "$ITEM_ID" != item-7 || exit 9; sleep 0.05`, { python });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => run(h, { i }, { id: `item-${i}` })));
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, kind: "permanent", error: "exit code 9", exitCode: 9 }]);
  });
});

describe("the spawn server", () => {
  it("runs in its own process group, so a terminal's Ctrl-C to ours does not reach it", async () => {
    const h = handler(`true`, { python: "python3" });
    expect(await run(h, {})).toEqual({ ok: true });
    const [server] = spawnServerPids();
    expect(server).toBeDefined();
    const pgid = (pid: number) => Number(execFileSync("ps", ["-o", "pgid=", "-p", String(pid)], { encoding: "utf8" }).trim());
    expect(pgid(server!)).toBe(server);
    expect(pgid(server!)).not.toBe(pgid(process.pid));
  });

  it("exits when the handler closes", async () => {
    const h = handler(`true`, { python: "python3" });
    expect(await run(h, {})).toEqual({ ok: true });
    const servers = spawnServerPids();
    expect(servers).toHaveLength(1);
    await h.close?.();
    await waitUntil(() => spawnServerPids().length === 0, "the server to exit", 5000);
  });

  it("dying mid-run fails the attempts in flight as transient and kills their commands; later items run on a new server", async () => {
    const dir = newDir();
    const h = handler(`echo $$ > "$ITEM_ID.pid"; test "$ITEM_ID" = later || sleep 30`, { python: "python3", cwd: dir });
    const inFlight = [run(h, {}, { id: "a" }), run(h, {}, { id: "b" })];
    await waitUntil(() => ["a", "b"].every((id) => readPid(dir, id) !== undefined), "both commands to start");
    const commands = [readPid(dir, "a")!, readPid(dir, "b")!];
    leftovers.push(...commands);
    const [server] = spawnServerPids();
    process.kill(server!, "SIGKILL");
    for (const r of await Promise.all(inFlight)) {
      expect(r).toMatchObject({ ok: false, kind: "transient" });
      expect((r as { error: string }).error).toMatch(/^spawn server died: killed by SIGKILL/);
    }
    await waitUntil(() => commands.every((pid) => !isRunning(pid)), "the lost commands to be killed", 2000);
    expect(await run(h, {}, { id: "later" })).toEqual({ ok: true });
    const [newServer] = spawnServerPids();
    expect(newServer).toBeDefined();
    expect(newServer).not.toBe(server);
  });

  it("after repeated deaths, the handler goes on with Node's spawn", async () => {
    const dir = newDir();
    // Items a, b and c each kill the server running them.
    const h = handler(`echo $PPID > "$ITEM_ID.pid"; test "$ITEM_ID" = d || { kill -KILL $PPID; sleep 5; }`, { python: "python3", cwd: dir });
    const servers: number[] = [];
    for (const id of ["a", "b", "c"]) {
      expect(await run(h, {}, { id })).toMatchObject({ ok: false, kind: "transient", error: "spawn server died: killed by SIGKILL" });
      servers.push(readPid(dir, id)!);
    }
    expect(new Set(servers).size).toBe(3);
    expect(await run(h, {}, { id: "d" })).toEqual({ ok: true });
    expect(readPid(dir, "d")).toBe(process.pid);
  });
});

describe("falling back to Node's spawn", () => {
  it.each([
    { when: "python3 is not on PATH", python: undefined, env: { PATH: "/nonexistent" } },
    { when: "the interpreter is missing", python: "/nonexistent/python3", env: {} },
    { when: "RESUMABLE_BATCH_SPAWN_SERVER=0", python: undefined, env: { RESUMABLE_BATCH_SPAWN_SERVER: "0" } },
    { when: "the interpreter is not a Python 3.8+", python: "/bin/false", env: {} },
  ])("when $when", async ({ python, env }) => {
    const dir = newDir();
    const fallbacks: string[] = [];
    const h = createCommandHandler({
      command: `echo $PPID > parent.pid; echo "$ITEM_ID" > id.txt`,
      cwd: dir,
      transientExitCodes: new Set([75]),
      killGraceMs: 500,
      env: { PATH: process.env.PATH, ...env },
      system: realSystem,
      python,
      onSpawnServerFallback: (reason) => fallbacks.push(reason),
    });
    handlers.push(h);
    expect(await run(h, {}, { id: "x" })).toEqual({ ok: true });
    expect(readPid(dir, "parent")).toBe(process.pid);
    expect(readFileSync(join(dir, "id.txt"), "utf8")).toBe("x\n");
    // Said once when the server could not start; nothing to say when it was turned off.
    expect(fallbacks).toHaveLength(env.RESUMABLE_BATCH_SPAWN_SERVER === "0" ? 0 : 1);
    if (fallbacks[0]) expect(fallbacks[0]).toMatch(/^could not start /);
  });
});

/** The number in dir/name.pid once it is completely written. */
function readPid(dir: string, name: string): number | undefined {
  const path = join(dir, `${name}.pid`);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  return text.endsWith("\n") ? Number(text) : undefined;
}
