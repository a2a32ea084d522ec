// The scale section's own cases, each run in a fresh process by bench/scale.ts (like
// in-process.ts, whose engine and load cases it uses too). Prints one JSON line.
//
//   checked     {items, format}           the loop a careful script writes under this tool's input contract, per format
//   long-ids    {stateDir, n, idBytes}    a state of n done items with ids of idBytes bytes, saved through compactState
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { parse as parseCsv } from "csv-parse";
import { BatchState } from "../../src/core/state/batch-state.js";
import { compactState, SNAPSHOT_FILE } from "../../src/core/state/state-store.js";

type Args = Record<string, unknown>;
const noop = async (): Promise<void> => {};

/** Ids checked as the contract asks: present, a string or number, each once (later ones skipped). */
class IdCheck {
  readonly firstLine = new Map<string, number>();
  readonly duplicates = new Set<number>();
  problems = 0;
  add(id: unknown, line: number): void {
    if ((typeof id !== "string" || id === "") && typeof id !== "number") this.problems++;
    else if (this.firstLine.has(String(id))) this.duplicates.add(line);
    else this.firstLine.set(String(id), line);
  }
  done(): void {
    if (this.problems > 0) throw new Error(`${this.problems} bad item(s)`);
  }
}

/**
 * Per format, what a script honouring the contract (bad input stops the run before any
 * item; duplicate ids are skipped) would write with the usual tools: readline for lines
 * and JSON Lines, csv-parse for CSV (two passes: check, then loop), JSON.parse of the whole
 * file for a JSON array (one pass: the array is in memory). No checkpoint.
 */
async function checked(a: Args) {
  const path = String(a.items);
  const startedAt = performance.now();
  const check = new IdCheck();
  let n = 0;
  const loop = async (id: unknown, line: number) => {
    if (check.duplicates.has(line)) return;
    await noop.call(id);
    n++;
  };
  switch (String(a.format)) {
    case "json": {
      const items = JSON.parse(readFileSync(path, "utf8")) as Array<{ id?: unknown }>;
      items.forEach((item, i) => check.add(item?.id, i));
      check.done();
      for (let i = 0; i < items.length; i++) await loop(items[i]!.id, i);
      break;
    }
    case "csv": {
      const rows = () =>
        createReadStream(path).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true })) as AsyncIterable<{ id?: string }>;
      let line = 0;
      for await (const row of rows()) check.add(row.id, line++);
      check.done();
      line = 0;
      for await (const row of rows()) await loop(row.id, line++);
      break;
    }
    default: {
      const json = a.format === "jsonl";
      const lines = () => createInterface({ input: createReadStream(path), crlfDelay: Infinity });
      let line = 0;
      for await (const text of lines()) {
        line++;
        if (text.trim() === "") continue;
        if (!json) check.add(text, line);
        else {
          try {
            check.add((JSON.parse(text) as { id?: unknown }).id, line);
          } catch {
            check.problems++;
          }
        }
      }
      check.done();
      line = 0;
      for await (const text of lines()) {
        line++;
        if (text.trim() === "") continue;
        await loop(json ? (JSON.parse(text) as { id: unknown }).id : text, line);
      }
    }
  }
  return { ms: performance.now() - startedAt, items: n };
}

/** A finished state of n ids of idBytes bytes each (varied, so nothing is shared), saved as a run saves it. */
function longIds(a: Args) {
  const n = Number(a.n);
  const idBytes = Number(a.idBytes);
  const state = new BatchState();
  const filler = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(Math.ceil(idBytes / 36));
  for (let i = 0; i < n; i++) {
    const head = `https://example.com/${String(i).padStart(9, "0")}/`;
    state.done.add((head + filler).slice(0, idBytes - 9) + String(i * 7919).padStart(9, "0"));
  }
  state.origin = { seq: 1, runId: "bench", runAttempt: 1 };
  const startedAt = performance.now();
  compactState(String(a.stateDir), state, 0, new Date().toISOString());
  const ms = performance.now() - startedAt;
  return { ms, done: state.done.size, snapshotBytes: statSync(`${String(a.stateDir)}/${SNAPSHOT_FILE}`).size };
}

const cases: Record<string, (a: Args) => unknown> = { checked, "long-ids": longIds };
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
  JSON.stringify({ ...(value as object), cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + "\n",
);
