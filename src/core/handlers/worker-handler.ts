import type { ChildProcess } from "node:child_process";
import type { System } from "../platform/system.js";
import type { Item } from "../platform/types.js";
import { OK, type AttemptContext, type AttemptResult, type Handler } from "./handler.js";
import { OutputTail } from "./command/output-tail.js";
import { killGroup } from "./process-group.js";

export interface WorkerHandlerOptions {
  /** The worker's command line, run by /bin/sh once per worker, not once per item. */
  command: string;
  cwd?: string;
  killGraceMs: number;
  env: NodeJS.ProcessEnv;
  system: System;
  /** Take an answer's "result" as the item's result (--results). */
  keepResults?: boolean;
}

/**
 * The worker protocol: a long-lived process reads one request line per item on standard
 * input — {"id","attempt","idempotencyKey","item"} — and answers one line on standard
 * output: {"ok":true} (with --results, {"ok":true,"result":…}), or
 * {"ok":false,"error":"…","transient":true,"retryAfterMs":N}.
 * Other stdout lines (not JSON objects with "ok") are treated as log output. Each lane
 * of the pool has its own worker, started while the run loads its state and checks the
 * items, which handles one item at a time; a worker that dies
 * fails its item as transient and is started again for the next item. A timeout or a
 * stop kills the worker's process group.
 */
export function createWorkerHandler(options: WorkerHandlerOptions): Handler {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  return {
    warmUp(lanes) {
      for (let i = all.size; i < lanes; i++) {
        const worker = new Worker(options);
        all.add(worker);
        idle.push(worker);
      }
    },
    async run(item, ctx) {
      let worker = idle.pop();
      if (!worker || worker.dead) {
        worker = new Worker(options);
        all.add(worker);
      }
      const result = await worker.handle(item, ctx);
      if (worker.dead) all.delete(worker);
      else idle.push(worker);
      return result;
    },
    async close() {
      await Promise.all([...all].map((w) => w.shutdown()));
      all.clear();
      idle.length = 0;
    },
  };
}

class Worker {
  dead = false;
  private readonly child: ChildProcess;
  private readonly stderr = new OutputTail();
  private readonly logTail = new OutputTail();
  private buffered = "";
  private waiting: ((result: AttemptResult) => void) | undefined;
  private exitDescription = "";
  private readonly exited: Promise<void>;

  constructor(private readonly o: WorkerHandlerOptions) {
    this.child = o.system.spawn("/bin/sh", ["-c", o.command], { cwd: o.cwd, env: o.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin?.on("error", () => {});
    this.child.stderr?.on("data", (c: Buffer) => this.stderr.push(c));
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (text: string) => this.onStdout(text));
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        this.exitDescription = `could not start the worker: ${error.message}`;
        this.onExit();
        resolve();
      });
      this.child.on("close", (code, signal) => {
        this.exitDescription = `the worker exited (${code === null ? signal : `exit code ${code}`})`;
        this.onExit();
        resolve();
      });
    });
  }

  handle(item: Item, ctx: AttemptContext): Promise<AttemptResult> {
    if (this.dead) return Promise.resolve({ ok: false, kind: "transient", error: this.exitDescription });
    return new Promise<AttemptResult>((resolve) => {
      const onAbort = () => this.kill();
      this.waiting = (result) => {
        ctx.signal.removeEventListener("abort", onAbort);
        this.waiting = undefined;
        resolve(result);
      };
      if (ctx.signal.aborted) return this.kill();
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      const request = JSON.stringify({ id: item.id, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey, item: item.data });
      this.child.stdin?.write(request + "\n");
    });
  }

  private onStdout(text: string): void {
    this.buffered += text;
    let nl: number;
    while ((nl = this.buffered.indexOf("\n")) !== -1) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const answer = parseAnswer(line, this.o.keepResults === true);
      if (answer === undefined) {
        this.logTail.push(line + "\n");
        continue;
      }
      this.waiting?.(answer);
    }
  }

  private onExit(): void {
    this.dead = true;
    const tail = this.stderr.value() || this.logTail.value();
    // A worker dying mid-item says little about the item itself: treat it as transient, so
    // the item is tried again with a fresh worker; repeated deaths exhaust the attempts.
    this.waiting?.({ ok: false, kind: "transient", error: `${this.exitDescription}${tail ? `: ${tail}` : ""}` });
  }

  private kill(): void {
    if (this.dead || this.child.pid === undefined) return;
    const pid = this.child.pid;
    if (!killGroup(pid, "SIGTERM")) return;
    const cancel = this.o.system.setTimer(() => killGroup(pid, "SIGKILL"), this.o.killGraceMs);
    void this.exited.then(cancel);
  }

  /** Closes stdin (the worker's cue to exit), then stops it if it lingers. */
  async shutdown(): Promise<void> {
    if (this.dead) return;
    this.child.stdin?.end();
    const cancel = this.o.system.setTimer(() => this.kill(), 1000);
    await this.exited;
    cancel();
  }
}

function parseAnswer(line: string, keepResults: boolean): AttemptResult | undefined {
  const text = line.trim();
  if (!text.startsWith("{")) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof value.ok !== "boolean") return undefined;
  if (value.ok) return keepResults && value.result !== undefined ? { ok: true, result: value.result } : OK;
  const error = typeof value.error === "string" && value.error !== "" ? value.error : "the worker reported a failure without a message";
  const retryAfterMs = typeof value.retryAfterMs === "number" ? value.retryAfterMs : undefined;
  return { ok: false, kind: value.transient === true ? "transient" : "permanent", error, retryAfterMs, throttled: retryAfterMs !== undefined };
}
