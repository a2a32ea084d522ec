import type { ChildProcess } from "node:child_process";
import type { System } from "../platform/system.js";
import type { Item } from "../platform/types.js";
import { OK, type AttemptContext, type AttemptResult, type Handler } from "./handler.js";
import { OutputTail } from "./command/output-tail.js";
import { exactJson } from "../input/exact-json.js";
import { serialiseForItem } from "./item-json.js";
import { killGroup } from "./process-group.js";
import { CANNOT_RUN_EXIT_CODES, describeCannotRun, isCannotStartError } from "./setup-error.js";

export interface WorkerHandlerOptions {
  /** The worker's command line, run by /bin/sh once per worker, not once per item. */
  command: string;
  cwd?: string;
  killGraceMs: number;
  env: NodeJS.ProcessEnv;
  system: System;
  /** Take an answer's "result" as the item's result (--results). */
  keepResults?: boolean;
  /** Told (once) when the worker prints {"ok":…} without naming the request: the old protocol. */
  warn?: (message: string) => void;
  /** How the user named the setting (`--worker`, input `worker`), for setup errors. */
  name?: string;
  /** See UNNAMED_ANSWER_GRACE_MS (tests shorten it). */
  unnamedAnswerGraceMs?: number;
}

/** Deaths in a row, before the run's first answer, that make the worker a setup error. */
export const MAX_DEATHS_BEFORE_ANSWER = 3;

/**
 * A worker of the first protocol answers {"ok":true} without the id and then waits for
 * the next request: its item would never end. So when such a line came while no worker of
 * the run has answered yet, and no answer naming the item follows within this long, the
 * worker is a setup error (with the fix) rather than a hang. A worker that logs an API
 * response with "ok" and then answers properly is unaffected.
 */
export const UNNAMED_ANSWER_GRACE_MS = 10_000;

/** What all lanes' workers of one run learn together. */
class WorkerRecord {
  /** Some worker of this run answered a request: the command works. */
  answered = false;
  deathsInARow = 0;
  warnedAboutUnnamedAnswers = false;
}

/**
 * The worker protocol: a long-lived process reads one request line per item on standard
 * input — {"id","attempt","idempotencyKey","item"} — and answers one line on standard
 * output naming the request: {"id":"<the request's id>","ok":true} (with --results,
 * {"id":…,"ok":true,"result":…}), or
 * {"id":…,"ok":false,"error":"…","transient":true,"retryAfterMs":N}. A line that does not
 * name the item in flight is log output (a JSON API response with "ok" a worker logs is
 * never taken as the item's outcome); an answer naming another id is a protocol error:
 * the worker is restarted and the item retried. Each lane of the pool has its own worker,
 * started while the run loads its state and checks the items, which handles one item at a
 * time; a worker that dies fails its item as transient and is started again for the next
 * item. A timeout or a stop kills the worker's process group.
 *
 * A worker that never works is a setup error, not a failure of the items: one that exits
 * 126/127 (its program not executable or not found) before any answer, or that dies
 * MAX_DEATHS_BEFORE_ANSWER times in a row before the first answer of the run, stops the run.
 */
export function createWorkerHandler(options: WorkerHandlerOptions): Handler {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const record = new WorkerRecord();
  return {
    warmUp(lanes) {
      for (let i = all.size; i < lanes; i++) {
        const worker = new Worker(options, record);
        all.add(worker);
        idle.push(worker);
      }
    },
    async run(item, ctx) {
      let worker = idle.pop();
      if (!worker || !worker.usable) {
        worker = new Worker(options, record);
        all.add(worker);
      }
      const result = await worker.handle(item, ctx);
      // A worker we are stopping (a protocol error, a timeout) may take a while to exit:
      // it is never handed the next request (the retry would be lost with it).
      if (worker.usable) idle.push(worker);
      else if (worker.dead) all.delete(worker);
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
  /** The id of the request in flight: only an answer naming it is its outcome. */
  private inFlightId: string | undefined;
  private waiting: ((result: AttemptResult) => void) | undefined;
  private exitDescription = "";
  /** How the worker ended, when that says it could not run at all (126/127, ENOENT). */
  private cannotRun: string | undefined;
  /** Pending while an unnamed {"ok":…} line waits for a named answer (see UNNAMED_ANSWER_GRACE_MS). */
  private cancelUnnamedTimer: (() => void) | undefined;
  /** We stopped it (a timeout, a stop, a protocol error): not a death of its own. */
  private killedByUs = false;
  private readonly exited: Promise<void>;

  constructor(
    private readonly o: WorkerHandlerOptions,
    private readonly record: WorkerRecord,
  ) {
    this.child = o.system.spawn("/bin/sh", ["-c", o.command], { cwd: o.cwd, env: o.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin?.on("error", () => {});
    this.child.stderr?.on("data", (c: Buffer) => this.stderr.push(c));
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (text: string) => this.onStdout(text));
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        this.exitDescription = `could not start the worker: ${error.message}`;
        if (isCannotStartError(error.message)) this.cannotRun = error.message;
        this.onExit();
        resolve();
      });
      this.child.on("close", (code, signal) => {
        this.exitDescription = `the worker exited (${code === null ? signal : `exit code ${code}`})`;
        if (code !== null && CANNOT_RUN_EXIT_CODES.has(code)) this.cannotRun = `exit code ${code}`;
        this.onExit();
        resolve();
      });
    });
  }

  /** Neither exited nor being stopped by us: it may take a request. */
  get usable(): boolean {
    return !this.dead && !this.killedByUs;
  }

  handle(item: Item, ctx: AttemptContext): Promise<AttemptResult> {
    if (this.dead) return Promise.resolve({ ok: false, kind: "transient", error: this.exitDescription });
    const request = requestLine(item, ctx);
    if ("failure" in request) return Promise.resolve(request.failure);
    return new Promise<AttemptResult>((resolve) => {
      const onAbort = () => this.kill();
      this.waiting = (result) => {
        this.cancelUnnamedTimer?.();
        this.cancelUnnamedTimer = undefined;
        ctx.signal.removeEventListener("abort", onAbort);
        this.waiting = undefined;
        this.inFlightId = undefined;
        resolve(result);
      };
      if (ctx.signal.aborted) return this.kill();
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      this.inFlightId = item.id;
      this.child.stdin?.write(request.json + "\n");
    });
  }

  private onStdout(text: string): void {
    this.buffered += text;
    let nl: number;
    while ((nl = this.buffered.indexOf("\n")) !== -1) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const answer = parseAnswer(line, this.inFlightId, this.o.keepResults === true);
      if (answer.type === "answer") {
        this.record.answered = true;
        this.record.deathsInARow = 0;
        this.waiting?.(answer.result);
      } else if (answer.type === "other-id") {
        this.protocolError(answer.id);
      } else {
        if (answer.unnamed) this.onUnnamedAnswer();
        this.logTail.push(line + "\n");
      }
    }
  }

  /** An answer for an id not in flight: this worker's answers cannot be trusted any more. */
  private protocolError(id: string): void {
    const inFlight = this.inFlightId;
    this.waiting?.({
      ok: false,
      kind: "transient",
      error: `protocol error: the worker answered for id ${JSON.stringify(id)} while ${JSON.stringify(inFlight)} was in flight; the worker was restarted and the item is retried`,
    });
    this.kill();
  }

  /** A line like an answer of the first protocol ({"ok":…} without "id"): log output, and a warning. */
  private onUnnamedAnswer(): void {
    this.warnUnnamed();
    if (this.record.answered || this.waiting === undefined || this.cancelUnnamedTimer !== undefined) return;
    this.cancelUnnamedTimer = this.o.system.setTimer(() => {
      this.cancelUnnamedTimer = undefined;
      if (this.record.answered) return;
      this.waiting?.({
        ok: false,
        kind: "setup",
        error:
          `${this.o.name ?? "--worker"} '${this.o.command}' answers without the request's id (it printed {"ok":…} and nothing naming ` +
          `${JSON.stringify(this.inFlightId)} followed): answers name the request they answer, {"id":"<the request's id>","ok":true}; ` +
          "update the worker (see the README's worker protocol)",
      });
    }, this.o.unnamedAnswerGraceMs ?? UNNAMED_ANSWER_GRACE_MS);
  }

  private warnUnnamed(): void {
    if (this.record.warnedAboutUnnamedAnswers) return;
    this.record.warnedAboutUnnamedAnswers = true;
    this.o.warn?.(
      `the worker printed a line with "ok" but without the request's "id": taken as log output. ` +
        `Answers name the request they answer: {"id":"<the request's id>","ok":true} (see the README's worker protocol)`,
    );
  }

  private onExit(): void {
    this.dead = true;
    const tail = this.stderr.value() || this.logTail.value();
    const described = `${this.exitDescription}${tail ? `: ${tail}` : ""}`;
    if (!this.killedByUs) this.record.deathsInARow++;
    const neverWorked = !this.record.answered && !this.killedByUs;
    if (neverWorked && (this.cannotRun !== undefined || this.record.deathsInARow >= MAX_DEATHS_BEFORE_ANSWER)) {
      this.waiting?.({ ok: false, kind: "setup", error: this.setupMessage(tail) });
      return;
    }
    // A worker dying mid-item says little about the item itself: treat it as transient, so
    // the item is tried again with a fresh worker; repeated deaths exhaust the attempts.
    this.waiting?.({ ok: false, kind: "transient", error: described });
  }

  private setupMessage(tail: string): string {
    const what = this.o.name ?? "--worker";
    if (this.cannotRun !== undefined) {
      return describeCannotRun({ what, command: this.o.command, cwd: this.o.cwd ?? process.cwd(), failure: this.cannotRun, output: tail });
    }
    return (
      `${what} '${this.o.command}' died ${this.record.deathsInARow} times in a row without answering any item ` +
      `(last: ${this.exitDescription}${tail ? `: ${tail}` : ""}); fix the worker, or, if one item crashes it, have it answer {"id":…,"ok":false} for that item`
    );
  }

  private kill(): void {
    if (this.dead || this.child.pid === undefined) return;
    this.killedByUs = true;
    const pid = this.child.pid;
    if (!killGroup(pid, "SIGTERM")) return;
    const cancel = this.o.system.setTimer(() => killGroup(pid, "SIGKILL"), this.o.killGraceMs);
    void this.exited.then(cancel);
  }

  /** Closes stdin (the worker's cue to exit), then stops it if it lingers. */
  async shutdown(): Promise<void> {
    if (this.dead) return;
    this.killedByUs = true;
    this.child.stdin?.end();
    const cancel = this.o.system.setTimer(() => this.kill(), 1000);
    await this.exited;
    cancel();
  }
}

/** What one line of a worker's standard output is. */
export type WorkerLine =
  | { type: "answer"; result: AttemptResult }
  /** An answer naming another request: a protocol error. */
  | { type: "other-id"; id: string }
  /** Log output; `unnamed` when it looked like an answer without an id (the old protocol). */
  | { type: "log"; unnamed?: boolean };

/**
 * Reads one line of worker output against the id in flight. The one place that knows the
 * answer's fields: {"id", "ok", "result", "error", "transient", "retryAfterMs"}.
 */
export function parseAnswer(line: string, inFlightId: string | undefined, keepResults = false): WorkerLine {
  const text = line.trim();
  if (!text.startsWith("{")) return LOG;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return LOG;
  }
  if (typeof value !== "object" || value === null || typeof value.ok !== "boolean") return LOG;
  if (!("id" in value)) return UNNAMED;
  const id = typeof value.id === "string" ? value.id : (JSON.stringify(value.id) ?? String(value.id));
  if (typeof value.id !== "string" || id !== inFlightId) return { type: "other-id", id };
  if (value.ok) return { type: "answer", result: keepResults && value.result !== undefined ? { ok: true, result: value.result } : OK };
  const error = typeof value.error === "string" && value.error !== "" ? value.error : "the worker reported a failure without a message";
  const retryAfterMs = typeof value.retryAfterMs === "number" && value.retryAfterMs >= 0 ? value.retryAfterMs : undefined;
  return {
    type: "answer",
    result: { ok: false, kind: value.transient === true ? "transient" : "permanent", error, retryAfterMs, throttled: retryAfterMs !== undefined },
  };
}

const LOG: WorkerLine = Object.freeze({ type: "log" });
const UNNAMED: WorkerLine = Object.freeze({ type: "log", unnamed: true });

/**
 * One request line: the item as the source wrote it when there is such a text (large
 * numbers keep their digits), spliced in after the fields the engine writes. A JSON
 * array's element may span lines; a line break in valid JSON text outside a string is
 * whitespace, so it becomes a space and the request stays one line.
 */
function requestLine(item: Item, ctx: AttemptContext): { json: string } | { failure: AttemptResult } {
  const exact = exactJson(item);
  if (exact === undefined)
    return serialiseForItem({ id: item.id, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey, item: item.data }, "the item");
  const head = serialiseForItem({ id: item.id, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey }, "the item");
  if ("failure" in head) return head;
  const raw = /[\r\n]/.test(exact) ? exact.replace(/[\r\n]+/g, " ") : exact;
  return { json: `${head.json.slice(0, -1)},"item":${raw}}` };
}
