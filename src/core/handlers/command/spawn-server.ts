import type { ChildProcess } from "node:child_process";
import type { System } from "../../platform/system.js";
import type { LaunchOutcome } from "./launcher.js";
import { OutputTail } from "./output-tail.js";
import { killGroup } from "../process-group.js";
import { SPAWN_SERVER_SOURCE } from "./spawn-server-source.js";

export interface SpawnServerOptions {
  /** The Python 3.8+ interpreter, found on options.env's PATH unless a path. */
  python: string;
  /** The server's working directory, so every command's. */
  cwd?: string;
  /** The base environment of every command. */
  env: NodeJS.ProcessEnv;
  system: System;
  /** A server that has not said it is ready by then is given up on. */
  startTimeoutMs?: number;
}

export interface SpawnRequest {
  /** argv[0] is the program's path (no PATH lookup). */
  argv: string[];
  /** Changes to the base environment; undefined removes the variable. */
  env: Record<string, string | undefined>;
  stdin: string;
  /** Keep this many bytes of standard output's head for a command that exits 0 (--results). */
  keepStdoutBytes?: number;
}

/** What the server says about one command: its process id first, then how it ended. */
interface Reply {
  token: number;
  pid?: number;
  code?: number;
  signal?: string;
  /** Base64 tails of the command's output, sent only when it did not exit 0. */
  stdout?: string;
  stderr?: string;
  /** The command could not be started: the OS error. */
  error?: string;
  /** With "keep" and exit 0: base64 of standard output's head, and whether there was more. */
  out?: string;
  over?: boolean;
}

interface Pending {
  onStarted: (pid: number) => void;
  resolve: (outcome: LaunchOutcome) => void;
}

/**
 * Client of the spawn server (spawn-server-source.ts), a Python process that starts item
 * commands with posix_spawn, much faster than Node can fork itself. Protocol, one JSON
 * object per line: Node sends {"op":"env","env":{…}} once, then
 * {"op":"spawn","token","argv","env":{name: value|null},"stdin"} per command; the
 * server answers {"ready":true} at start, then per command {"token","pid"} as soon as it is
 * started (each command leads its own session and process group, so Node stops it with
 * process.kill(-pid)) and {"token","code"|"signal","stdout","stderr"} when it has exited
 * and its pipes are closed (at most 1 s after the exit, if a grandchild holds them), or
 * {"token","error"} when it could not be started.
 *
 * The server runs in its own process group, so a terminal's Ctrl-C reaches only the
 * engine, which then stops the commands itself; it exits when its standard input closes,
 * which also happens when Node is killed.
 */
export class SpawnServer {
  private readonly pending = new Map<number, Pending>();
  private nextToken = 1;
  private received = "";
  private readonly stderr = new OutputTail();
  private deathReason: string | undefined;
  private readonly ready: Promise<void>;
  private settleReady: (error?: Error) => void = () => {};

  private constructor(
    private readonly child: ChildProcess,
    options: SpawnServerOptions,
  ) {
    const startTimeoutMs = options.startTimeoutMs ?? 10_000;
    this.ready = new Promise((resolve, reject) => {
      const cancelTimer = options.system.setTimer(() => {
        this.die(`not ready after ${startTimeoutMs} ms`);
        this.kill();
      }, startTimeoutMs);
      this.settleReady = (error) => {
        cancelTimer();
        if (error) reject(error);
        else resolve();
      };
    });
    child.stdin?.on("error", () => {}); // a broken pipe means a dead server: 'close' tells the attempts
    child.stderr?.on("data", (c: Buffer) => this.stderr.push(c));
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => this.onData(text));
    child.on("error", (error) => this.die(error.message));
    child.on("close", (code, signal) => this.die(code === null ? `killed by ${signal}` : `exit code ${code}`));
    const env = Object.fromEntries(
      Object.entries(options.env)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, wellFormed(v!)]),
    );
    this.send({ op: "env", env });
  }

  /** Starts a server; rejects when it cannot (no python3, too old, not ready in time). */
  static async start(options: SpawnServerOptions): Promise<SpawnServer> {
    // -I: no PYTHON* variables, no user site; -S: no site-packages either (their .pth files
    // run code at start-up). The server needs the standard library only.
    const child = options.system.spawn(options.python, ["-I", "-S", "-c", SPAWN_SERVER_SOURCE], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const server = new SpawnServer(child, options);
    await server.ready;
    if (server.pending.size === 0) server.idle();
    return server;
  }

  /** True once the server has exited, or its pipes broke: start another one. */
  get dead(): boolean {
    return this.deathReason !== undefined;
  }

  spawn(request: SpawnRequest, onStarted: (pid: number) => void): Promise<LaunchOutcome> {
    if (this.deathReason !== undefined) return Promise.resolve({ kind: "lost", message: `spawn server died: ${this.deathReason}` });
    const token = this.nextToken++;
    if (this.pending.size === 0) this.busy();
    return new Promise((resolve) => {
      this.pending.set(token, { onStarted, resolve });
      const env = Object.fromEntries(Object.entries(request.env).map(([k, v]) => [k, v === undefined ? null : wellFormed(v)]));
      this.send({
        op: "spawn",
        token,
        argv: request.argv.map(wellFormed),
        env,
        stdin: wellFormed(request.stdin),
        keep: request.keepStdoutBytes ?? null,
      });
    });
  }

  /** Ends the server: it exits when its standard input closes. */
  close(): void {
    this.child.stdin?.end();
  }

  private onData(text: string): void {
    for (const line of this.lines(text)) {
      let message: Reply | { ready: true };
      try {
        message = JSON.parse(line) as Reply | { ready: true };
      } catch {
        this.die(`unreadable reply ${JSON.stringify(line.slice(0, 100))}`);
        this.kill();
        return;
      }
      if ("ready" in message) this.settleReady();
      else this.onReply(message);
    }
  }

  private onReply(reply: Reply): void {
    const pending = this.pending.get(reply.token);
    if (!pending) return;
    if (reply.pid !== undefined) return pending.onStarted(reply.pid);
    this.pending.delete(reply.token);
    if (this.pending.size === 0) this.idle();
    if (reply.error !== undefined) return pending.resolve({ kind: "not-started", message: reply.error });
    pending.resolve({
      kind: "exited",
      code: reply.code ?? null,
      signal: reply.signal ?? null,
      output: outputOf(reply),
      ...(reply.out === undefined ? {} : { stdout: Buffer.from(reply.out, "base64"), stdoutOverflow: reply.over === true }),
    });
  }

  private die(reason: string): void {
    if (this.deathReason !== undefined) return;
    const stderr = this.stderr.value(5);
    this.deathReason = stderr ? `${reason}: ${stderr}` : reason;
    this.settleReady(new Error(this.deathReason));
    for (const { resolve } of this.pending.values()) resolve({ kind: "lost", message: `spawn server died: ${this.deathReason}` });
    this.pending.clear();
    this.idle();
  }

  private kill(): void {
    if (this.child.pid !== undefined) killGroup(this.child.pid, "SIGKILL");
  }

  private send(message: object): void {
    this.child.stdin?.write(JSON.stringify(message) + "\n");
  }

  private *lines(text: string): Generator<string> {
    this.received += text;
    let end = this.received.indexOf("\n");
    while (end !== -1) {
      yield this.received.slice(0, end);
      this.received = this.received.slice(end + 1);
      end = this.received.indexOf("\n");
    }
  }

  // An idle server must not keep Node's event loop alive; a busy one must, like a child would.
  private busy(): void {
    for (const handle of this.handles()) handle.ref();
  }
  private idle(): void {
    for (const handle of this.handles()) handle.unref();
  }
  private handles(): Array<{ ref(): unknown; unref(): unknown }> {
    const { stdin, stdout, stderr } = this.child;
    return [this.child, stdin, stdout, stderr].filter((h) => h !== null) as Array<{ ref(): unknown; unref(): unknown }>;
  }
}

/** The failure text the Node path gives: the stderr tail, or the stdout tail when stderr is empty. */
function outputOf(reply: Reply): string {
  const tail = (base64: string | undefined) => {
    const t = new OutputTail();
    if (base64) t.push(Buffer.from(base64, "base64"));
    return t.value();
  };
  return tail(reply.stderr) || tail(reply.stdout);
}

/** Lone surrogates become U+FFFD, as Node's own spawn encodes them (Python would refuse them). */
function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE_ALL, "\uFFFD") : text;
}
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_ALL = /\p{Cs}/gu;
