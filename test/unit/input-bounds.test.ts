import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readSource, type ItemsFormat, type SourceEntry } from "../../src/core/input/item-source.js";
import { LineTooLongError, MAX_LINE_BYTES, readLineBatches, ReadStoppedError } from "../../src/core/input/line-reader.js";
import { planSource } from "../../src/core/input/plan.js";
import { BatchState } from "../../src/core/state/batch-state.js";
import { runBatch } from "../../src/core/run/run-batch.js";
import { StoppedBeforeStartError } from "../../src/core/platform/errors.js";
import type { StopSignalName } from "../../src/core/run/stop-controller.js";
import { FakeSystem } from "../support/fake-system.js";
import { RUN_DEFAULTS } from "../support/run-defaults.js";

const dirs: string[] = [];
const children: ChildProcess[] = [];
const fifos: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  // A reader still blocked opening a FIFO (a stopped read leaves one) is let go by a writer.
  for (const path of fifos.splice(0)) {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), "rb-bounds-"));
  dirs.push(d);
  return d;
}

async function entries(path: string, format: ItemsFormat, signal?: AbortSignal): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const batch of readSource({ path, label: path, format, idField: "id" }, signal)) out.push(...batch);
  return out;
}

/** A FIFO fed by a shell child writing `text` (or nothing, for `silentMs`). */
function fifo(dir: string, text: string, silentMs = 0): string {
  const path = join(dir, "items.fifo");
  execFileSync("mkfifo", [path]);
  fifos.push(path);
  // A silent writer never opens the FIFO: the reader stays blocked in open().
  const script = silentMs > 0 ? `exec sleep ${silentMs / 1000}` : `printf '%s' "$2" > "$1"`;
  children.push(spawn("/bin/sh", ["-c", script, "sh", path, text], { stdio: "ignore" }));
  return path;
}

describe("a line longer than MAX_LINE_BYTES", () => {
  it("stops the read with the line's number, before the line is held in memory", async () => {
    const path = join(newDir(), "items.txt");
    // Longer than several read chunks (READ_CHUNK_BYTES, 64 KiB): the cap applies to what is gathered across chunks.
    writeFileSync(path, "short\n" + "x".repeat(600_000) + "\nlast\n");
    const read = async () => {
      for await (const _ of readLineBatches(path, undefined, 300_000)) void _;
    };
    await expect(read()).rejects.toEqual(new LineTooLongError(2));
    await expect(read()).rejects.toBeInstanceOf(LineTooLongError);
  });

  it("is an input problem that says so (not 'not valid UTF-8'), for a one-line JSON array too", async () => {
    const path = join(newDir(), "items.json");
    writeFileSync(path, Buffer.alloc(MAX_LINE_BYTES + 10, '[{"id":1},'));
    const got = await entries(path, "json");
    expect(got).toHaveLength(1);
    expect(got[0]!.problem).toMatchObject({ line: 1 });
    expect(got[0]!.problem!.message).toMatch(/longer than 64 MiB \(MAX_LINE_BYTES\).*jq -c/);
  });

  it("/dev/zero is rejected, not read for ever", async () => {
    const got = await entries("/dev/zero", "lines");
    expect(got.map((e) => e.problem?.line)).toEqual([1]);
    expect(got[0]!.problem!.message).toMatch(/longer than 64 MiB/);
  });
});

describe("ids that are not well-formed Unicode", () => {
  it("a lone surrogate in an id is bad input; U+FFFD itself is an id like any other", async () => {
    const path = join(newDir(), "items.jsonl");
    writeFileSync(path, '{"id":"x\\ud800"}\n{"id":"x\\udc00"}\n{"id":"x\\ufffd"}\n{"id":"ok \\ud83d\\ude00"}\n');
    const got = await entries(path, "jsonl");
    expect(got.map((e) => e.problem?.line ?? e.item!.id)).toEqual([1, 2, "x\ufffd", "ok 😀"]);
    expect(got[0]!.problem!.message).toMatch(/not well-formed Unicode/);
  });
});

describe("a source that can be read only once (FIFO, <(…))", () => {
  it("confirms duplicates without reading it again", async () => {
    const dir = newDir();
    const path = fifo(dir, '{"id":"a"}\n{"id":"b"}\n{"id":"a"}\n');
    const plan = await planSource({ path, label: "items", format: "jsonl", idField: "id" }, new BatchState(), () => true, {
      sourceBytes: 0,
      maxBytes: 1 << 20,
    });
    expect(plan.total).toBe(2);
    expect(plan.items!.map((i) => i.id)).toEqual(["a", "b"]);
    expect(plan.warnings.join("\n")).toMatch(/items:3: id "a" already on line 1/);
  }, 10_000);
});

describe("a stop while the items are read", () => {
  it("ends the read of a pipe whose writer is silent", async () => {
    const path = fifo(newDir(), "", 20_000);
    const controller = new AbortController();
    const reading = entries(path, "lines", controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(reading).rejects.toBeInstanceOf(ReadStoppedError);
  }, 10_000);

  it("ends a read of a silent pipe when the stop came before the read began", async () => {
    // On a loaded machine the stop can land before the FIFO is opened: no abort event is
    // left to fire then, and the open would wait for a writer that never comes.
    const path = fifo(newDir(), "", 20_000);
    const controller = new AbortController();
    controller.abort();
    await expect(entries(path, "lines", controller.signal)).rejects.toBeInstanceOf(ReadStoppedError);
  }, 10_000);

  it("ends the run before it begins: StoppedBeforeStartError (130), nothing recorded, lock released", async () => {
    const dir = newDir();
    const path = fifo(dir, "", 20_000);
    let send: (s: StopSignalName) => void = () => {};
    const system = new FakeSystem(0);
    const running = runBatch({
      stateDir: join(dir, "state"),
      source: { path, label: path, format: "lines", idField: "id" },
      handler: { run: async () => ({ ok: true }) },
      ...RUN_DEFAULTS,
      maxAttempts: 1,
      backoff: { baseMs: 10, maxMs: 10 },
      shutdownGraceMs: 1000,
      stops: { subscribe: (l) => ((send = l), () => {}) },
      log: { info() {}, warn() {}, error() {} },
      system,
    });
    setTimeout(() => send("SIGINT"), 50);
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoppedBeforeStartError);
    expect((error as StoppedBeforeStartError).exitCode).toBe(130);
    expect(readdirSync(join(dir, "state"))).not.toContain("lock");
  }, 10_000);
});
