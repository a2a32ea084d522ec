// One in-process measurement, run in a fresh child process by bench/run.ts so that each
// figure starts from a cold heap and its memory is its own. Prints one JSON line.
//
//   node --import tsx bench/cases/in-process.ts <case> '<json args>'
//
// cases:
//   engine        {items, stateDir, concurrency?, delayMs?, format?}  runBatch, module handler, real journal
//   plain         {items}                                   read + parse the JSONL, await a no-op each
//   plain-checked {items}                                   the plain loop after a first pass that checks every line and id
//   plain-lanes   {items, concurrency, delayMs}             the same with N lanes (no checkpoint)
//   naive         {items, doneFile, limit?, preload?}       rewrite the whole done set as JSON after every item
//   load          {stateDir}                                loadState: time and peak memory of a resume
//   uuid-state    {stateDir, n}                             write a snapshot of n done items with random UUID ids
//   new-pass      {stateDir}                                start the next pass over a loaded state: the pass record, then the compaction
// engine also takes reprocessChanged (true: --reprocess-changed) and expectProcessed (checked).
import { randomUUID } from "node:crypto";
import { appendFileSync, createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openPass } from "../../src/core/run/passes.js";
import { createInterface } from "node:readline";
import { createModuleHandler } from "../../src/core/handlers/module-handler.js";
import { silentLogger } from "../../src/core/platform/logger.js";
import { runBatch } from "../../src/core/run/run-batch.js";
import { BatchState } from "../../src/core/state/batch-state.js";
import { compactState, journalFileName, loadState } from "../../src/core/state/state-store.js";
import { realSystem } from "../../src/core/platform/system.js";
import { itemId } from "../lib/items.js";
import type { ItemsFormat } from "../../src/core/input/item-source.js";

type Args = Record<string, unknown>;

const noop = async (): Promise<void> => {};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function engine(a: Args) {
  const delayMs = Number(a.delayMs ?? 0);
  // resultBytes: the module returns a result of about that size (with results on).
  const resultBytes = Number(a.resultBytes ?? 0);
  const fn = resultBytes > 0 ? resultOfSize(resultBytes) : delayMs > 0 ? () => sleep(delayMs) : noop;
  const startedAt = performance.now();
  const result = await runBatch({
    stateDir: String(a.stateDir),
    source: { path: String(a.items), label: String(a.items), format: (a.format ?? "jsonl") as ItemsFormat, idField: "id" },
    handler: createModuleHandler(fn, realSystem.nowMs, resultBytes > 0),
    // jobLog: false measures the run without its job log (what the log costs).
    jobLog: a.jobLog !== false,
    results: resultBytes > 0,
    concurrency: Number(a.concurrency ?? 1),
    maxAttempts: 3,
    backoff: { baseMs: 1000, maxMs: 60_000 },
    shutdownGraceMs: 10_000,
    reserveMs: 1000,
    retryFailures: false,
    maxRunsPerItem: 5,
    runId: "bench",
    runAttempt: 1,
    idempotencyNamespace: "",
    flushIntervalMs: 200,
    reprocessChanged: a.reprocessChanged === true,
    system: realSystem,
    stops: { subscribe: () => () => {} },
    log: silentLogger,
  });
  const ms = performance.now() - startedAt;
  if (!result.complete || result.exitCode !== 0 || result.doneTotal !== result.total)
    throw new Error(`engine run incomplete: ${JSON.stringify(result)}`);
  if (a.expectProcessed !== undefined && result.processed !== a.expectProcessed) {
    throw new Error(`engine run processed ${result.processed} items, expected ${String(a.expectProcessed)}`);
  }
  return { ms, items: result.succeeded, total: result.total, changed: result.changed };
}

/** A module returning a record of about `bytes` of JSON per item, like a synced row. */
function resultOfSize(bytes: number) {
  const filler = "x".repeat(Math.max(0, bytes - 110));
  let n = 0;
  return async (item: unknown) => ({
    id: (item as { id: string }).id,
    status: "synced",
    rows: ++n % 7,
    updatedAt: "2026-11-27T12:00:00.000Z",
    note: filler,
  });
}

/** What a user writes without a checkpoint: readline over the file, JSON.parse, await. */
async function plain(a: Args) {
  const startedAt = performance.now();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(String(a.items)), crlfDelay: Infinity })) {
    if (line === "") continue;
    const item = JSON.parse(line) as { id: string };
    await noop.call(item);
    n++;
  }
  return { ms: performance.now() - startedAt, items: n };
}

/**
 * The plain loop as a careful script would write it under this tool's input contract (bad
 * input stops the run before any item, exit 2; duplicate ids are skipped): a first pass
 * parses every line and checks its id, then the loop. No checkpoint. The engine against
 * this is what checkpointing itself costs.
 */
async function plainChecked(a: Args) {
  const startedAt = performance.now();
  const lines = () => createInterface({ input: createReadStream(String(a.items)), crlfDelay: Infinity });
  const firstLine = new Map<string, number>();
  const duplicates = new Set<number>();
  let problems = 0;
  let lineNumber = 0;
  for await (const line of lines()) {
    lineNumber++;
    if (line === "") continue;
    let item: { id?: unknown };
    try {
      item = JSON.parse(line) as { id?: unknown };
    } catch {
      problems++;
      continue;
    }
    if (typeof item.id !== "string" || item.id === "") problems++;
    else if (firstLine.has(item.id)) duplicates.add(lineNumber);
    else firstLine.set(item.id, lineNumber);
  }
  if (problems > 0) throw new Error(`${problems} bad line(s)`);
  let n = 0;
  lineNumber = 0;
  for await (const line of lines()) {
    lineNumber++;
    if (line === "" || duplicates.has(lineNumber)) continue;
    const item = JSON.parse(line) as { id: string };
    await noop.call(item);
    n++;
  }
  return { ms: performance.now() - startedAt, items: n };
}

/** The same loop with `concurrency` lanes pulling from one iterator (a p-limit-style pool). */
async function plainLanes(a: Args) {
  const delayMs = Number(a.delayMs ?? 0);
  const startedAt = performance.now();
  const lines = createInterface({ input: createReadStream(String(a.items)), crlfDelay: Infinity })[Symbol.asyncIterator]();
  let n = 0;
  const lane = async () => {
    for (;;) {
      const r = await lines.next();
      if (r.done) return;
      if (r.value === "") continue;
      JSON.parse(r.value);
      await (delayMs > 0 ? sleep(delayMs) : noop());
      n++;
    }
  };
  await Promise.all(Array.from({ length: Number(a.concurrency) }, lane));
  return { ms: performance.now() - startedAt, items: n };
}

/**
 * The usual hand-rolled checkpoint: a Set of done ids, rewritten as one JSON file after
 * every item. `preload` pretends that many items were done earlier (to time the per-item
 * cost at a large set without running all of them); `limit` stops after that many items.
 */
async function naive(a: Args) {
  const doneFile = String(a.doneFile);
  const limit = a.limit === undefined ? Infinity : Number(a.limit);
  const done = new Set<string>(existsSync(doneFile) ? (JSON.parse(readFileSync(doneFile, "utf8")) as string[]) : []);
  for (let i = 0; i < Number(a.preload ?? 0); i++) done.add(itemId(i));
  const startedAt = performance.now();
  let firstAt: number | undefined;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(String(a.items)), crlfDelay: Infinity })) {
    if (line === "") continue;
    const item = JSON.parse(line) as { id: string };
    if (done.has(item.id)) continue;
    firstAt ??= performance.now();
    await noop.call(item);
    done.add(item.id);
    writeFileSync(doneFile, JSON.stringify([...done]));
    if (++n >= limit) break;
  }
  const endAt = performance.now();
  // processingMs: from the first item not done to the last, i.e. without skipping the preloaded ones.
  return { ms: endAt - startedAt, processingMs: endAt - (firstAt ?? endAt), items: n, setSize: done.size };
}

function load(a: Args) {
  const before = process.memoryUsage().rss;
  const startedAt = performance.now();
  const loaded = loadState(String(a.stateDir));
  const ms = performance.now() - startedAt;
  return {
    ms,
    done: loaded.state.done.size,
    rssBeforeBytes: before,
    rssAfterBytes: process.memoryUsage().rss,
    // The kernel's high-water mark for this process, in KiB: the peak, not a sample.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** A finished state whose ids carry no pattern a compressor could use (random UUIDs). */
function uuidState(a: Args) {
  const state = new BatchState();
  for (let i = 0; i < Number(a.n); i++) state.done.add(randomUUID());
  state.origin = { seq: 1, runId: "bench", runAttempt: 1 };
  compactState(String(a.stateDir), state, 0, new Date().toISOString());
  return { done: state.done.size };
}

/**
 * What starting a new pass costs over a state of many done items, as a run does it before
 * its items are checked: decide (new-pass), move the pass to the history and empty the done
 * set, write the pass record; and the compaction at the run's end, which now writes a
 * snapshot without those ids. Loading the state is the resume's cost, timed on its own.
 */
function newPass(a: Args) {
  const dir = String(a.stateDir);
  const loadStartedAt = performance.now();
  const loaded = loadState(dir);
  const loadMs = performance.now() - loadStartedAt;
  const doneBefore = loaded.state.doneCount;
  const startedAt = performance.now();
  const pass = openPass(loaded.state, { newPass: true, nowMs: Date.now(), retryFailures: false, log: silentLogger });
  appendFileSync(join(dir, journalFileName(loaded.generation)), JSON.stringify(pass.record) + "\n");
  compactState(dir, loaded.state, loaded.generation, new Date().toISOString());
  const ms = performance.now() - startedAt;
  if (loaded.state.pass !== 2 || loaded.state.doneCount !== 0)
    throw new Error(`new pass not started: pass ${loaded.state.pass}, ${loaded.state.doneCount} done`);
  return { ms, loadMs, doneBefore };
}

const cases: Record<string, (a: Args) => unknown> = {
  "new-pass": newPass,
  engine,
  plain,
  "plain-checked": plainChecked,
  "plain-lanes": plainLanes,
  naive,
  load,
  "uuid-state": uuidState,
};
const [name, raw = "{}"] = process.argv.slice(2);
const fn = cases[name ?? ""];
if (!fn) {
  process.stderr.write(`unknown case ${name}; one of ${Object.keys(cases).join(", ")}\n`);
  process.exit(2);
}
const cpuBefore = process.cpuUsage();
const value = await fn(JSON.parse(raw) as Args);
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({
    ...(value as object),
    // CPU time of the whole case (user + system, all threads): steadier than wall time on a busy machine.
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssBytes: (value as { maxRssBytes?: number }).maxRssBytes ?? process.resourceUsage().maxRSS * 1024,
  }) + "\n",
);
