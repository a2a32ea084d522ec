/**
 * `results` reads the job log as bytes and copies cells as they are (line-scan.ts,
 * results-csv.ts). These tests write job logs by hand with every kind of id, result and
 * member the format allows, and compare the output with a plain reading of the same lines
 * (JSON.parse each, last success wins, csv-stringify each row): byte for byte.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { listSegments } from "../../src/core/outcomes/outcome-files.js";
import { countResults } from "../../src/core/outcomes/results-reader.js";
import {
  extraMembers,
  failureLine,
  parseLine,
  ResultKeys,
  successLine,
  type OutcomeLine,
  type SegmentHeader,
} from "../../src/core/outcomes/outcome-lines.js";
import { formulaSafeCell } from "../../src/report/csv.js";
import { exportLog, exportResults, type ResultFormat } from "../../src/report/results-export.js";
import { readOutcomes } from "../../src/core/outcomes/outcome-files.js";
import { viewOf } from "../../src/core/outcomes/outcome-lines.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const newDir = tempDirsPerTest("rb-results-bytes-");

async function exported(stateDir: string, format: ResultFormat | "log-csv"): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  if (format === "log-csv") await exportLog(stateDir, "csv", out);
  else await exportResults(stateDir, format, out);
  out.end();
  return Buffer.concat(chunks).toString("utf8");
}

interface Outcome {
  id: string;
  /** The result's JSON text as saved (hand-written to allow duplicate keys); undefined: none. */
  r?: string;
  fail?: true;
  error?: string;
  redo?: boolean;
  pass?: number;
  n?: number;
}

/** A segment as the job log writer makes it: header, lines, keys line (left out for a killed run). */
function segment(seq: number, outcomes: Outcome[], o: { shard?: string; pass?: number; killed?: boolean } = {}): string {
  const header: SegmentHeader = { t: "seg", v: 1, seq, run: `run-${seq}`, att: 1, h: "module", ...o };
  delete (header as { killed?: boolean }).killed;
  const keys = new ResultKeys();
  let text = JSON.stringify(header) + "\n";
  outcomes.forEach((x, i) => {
    const at = 1_764_000_000_000 + seq * 1000 + i;
    if (x.fail) text += failureLine(x.id, at, 5, x.n ?? 1, "permanent", x.error ?? "boom, =bad", 1, extraMembers({ redone: x.redo, pass: x.pass }));
    else {
      if (x.r !== undefined) keys.add(JSON.parse(x.r));
      text += successLine(x.id, at, i * 7, x.n ?? 1, extraMembers({ redone: x.redo, pass: x.pass }), x.r);
    }
  });
  return o.killed ? text + '{"id":"torn","at":1,"ms"' : text + keys.line();
}

/** The results as a plain reading of the lines gives them, in CSV and JSON Lines. */
function reference(dir: string): { csv: string; jsonl: string; counts: { items: number; withResult: number } } {
  const keyed = new Set<string>();
  let keysPlain = false;
  let allKeyed = true;
  let header: SegmentHeader | undefined;
  const all: Array<{ line: OutcomeLine; header: SegmentHeader | undefined; rText: string }> = [];
  const last = new Map<string, number>();
  for (const path of listSegments(dir)) {
    const lines = readFileSync(path, "utf8").split("\n");
    lines.pop(); // torn or empty
    let sawKeys = false;
    let sawResult = false;
    for (const text of lines) {
      if (text.startsWith('{"t":"keys"')) {
        const k = JSON.parse(text) as { keys: string[]; plain: boolean };
        k.keys.forEach((key) => keyed.add(key));
        keysPlain ||= k.plain;
        sawKeys = true;
        continue;
      }
      const parsed = parseLine(text);
      if (parsed === undefined) continue;
      if ("t" in parsed) header = parsed;
      else if (parsed.k === undefined) {
        last.set(parsed.id, all.length);
        all.push({ line: parsed, header, rText: text.slice(text.indexOf(',"r":') + 5, -1) });
        sawResult ||= "r" in parsed;
      }
    }
    if (sawResult && !sawKeys) allKeyed = false;
  }
  const records = all
    .filter((_, i) => [...last.values()].includes(i))
    .map(({ line, header: h, rText }) => ({
      id: line.id,
      ...("r" in line ? { result: line.r, rText } : {}),
      finishedAt: new Date(line.at + line.ms).toISOString(),
      durationMs: line.ms,
      attempts: line.n,
      ...(h?.shard !== undefined ? { shard: h.shard } : {}),
      ...((line.pass ?? h?.pass) !== undefined ? { pass: line.pass ?? h?.pass } : {}),
      ...(line.redo ? { redone: true } : {}),
    }));
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const fields = allKeyed ? keyed : new Set(records.flatMap((r) => (isObject(r.result) ? Object.keys(r.result) : [])));
  const plain = allKeyed ? keysPlain : records.some((r) => "result" in r && !isObject(r.result));
  const reserved = ["id", "result", "finishedAt", "durationMs", "attempts", "shard", "pass", "redone"];
  const optional = ["shard", "pass", "redone"].filter((k) => records.some((r) => k in r));
  const names = ["id", ...[...fields].map((f) => (reserved.includes(f) ? `result.${f}` : f))];
  if (plain || fields.size === 0) names.push("result");
  names.push("finishedAt", "durationMs", "attempts", ...optional);
  const cell = (v: unknown) =>
    v === undefined || v === null
      ? ""
      : typeof v === "object"
        ? formulaSafeCell(JSON.stringify(v))
        : typeof v === "boolean"
          ? String(v)
          : formulaSafeCell(v);
  const rows = records.map((r) => {
    const row: unknown[] = [r.id, ...[...fields].map((f) => (isObject(r.result) && Object.hasOwn(r.result, f) ? r.result[f] : undefined))];
    if (plain || fields.size === 0) row.push(isObject(r.result) ? undefined : r.result);
    row.push(r.finishedAt, r.durationMs, r.attempts, ...optional.map((k) => (r as Record<string, unknown>)[k]));
    return row.map(cell);
  });
  // JSON Lines splices each result's saved text in as it is (not JSON.stringify of it parsed).
  const jsonl = records.map(({ rText, result: _, ...rest }) => {
    const text = JSON.stringify(rest);
    const idJson = JSON.stringify({ id: rest.id }).slice(0, -1);
    return (rText === undefined ? text : idJson + ',"result":' + rText + text.slice(idJson.length)) + "\n";
  });
  const counts = { items: records.length, withResult: records.filter((r) => "result" in r).length };
  return { csv: stringify([names, ...rows]), jsonl: jsonl.join(""), counts };
}

const TRICKY_IDS = ["plain", "a,b", 'say "hi"', "back\\slash", "=SUM(A1)", "-1", "+x", "@me", "tab\tin", "ünï €", "emoji 🎉", "line\u2028sep", ""];
const TRICKY_RESULTS = [
  '{"name":"Ann","n":3,"ok":true,"no":false,"nil":null}',
  '{"name":"Bob, Jr.","n":-5,"deep":{"a":[1,{"b":"}"}]},"list":[1,2]}',
  '{"name":"say \\"hi\\"\\nthere","n":1.5,"big":12345678901234567,"e":1e21,"z":-0,"zero":0}',
  '{"name":"=cmd|\' /C calc\'!A0","n":"+1","at":"@SUM(A1)","neg":"-2"}',
  '{"id":7,"result":"r","pass":"p","2":"two","1":"one"}',
  '{"name":"first","name":"second"}',
  '{"__proto__":"proto","k\\"q":"escaped key","\\u0041":"A"}',
  "{}",
  '"a plain string, with a comma"',
  '"=1+1"',
  "42",
  '[1,"two"]',
  "null",
  "true",
  '{"name":"ünï €🎉","n":0}',
];

function trickyOutcomes(): Outcome[] {
  const outcomes: Outcome[] = [];
  TRICKY_IDS.forEach((id, i) => outcomes.push({ id, r: TRICKY_RESULTS[i % TRICKY_RESULTS.length] }));
  TRICKY_RESULTS.forEach((r, i) => outcomes.push({ id: `r${i}`, r, redo: i % 3 === 0, pass: i % 4 === 0 ? i : undefined, n: i + 1 }));
  outcomes.push({ id: "none" }, { id: "failed-only", fail: true });
  return outcomes;
}

describe("results read as bytes", () => {
  it("writes every kind of id, result and member byte for byte as a plain reading of the lines does", async () => {
    const dir = newDir();
    const first = trickyOutcomes();
    writeFileSync(join(dir, "outcomes-1.jsonl"), segment(1, first, { shard: "=1/2" }));
    // A later run: some ids again (the last success wins), a failure after a success (the success stays).
    const second: Outcome[] = [
      { id: "a,b", r: '{"name":"again","n":2}', n: 2 },
      { id: "plain", fail: true, n: 2 },
      { id: "r3", r: '"replaced"', pass: 9 },
      { id: "r0" }, // a success without a result replaces one with
    ];
    writeFileSync(join(dir, "outcomes-2.jsonl"), segment(2, second, { pass: 4 }));
    const expected = reference(dir);
    expect(await exported(dir, "csv")).toBe(expected.csv);
    expect(await exported(dir, "jsonl")).toBe(expected.jsonl);
    expect(await countResults(dir)).toEqual(expected.counts);
    // The plain reading agrees with the parts the other tests check one by one.
    expect(expected.csv.split("\n")[0]).toBe(
      'id,name,n,ok,no,nil,deep,list,big,e,z,zero,at,neg,1,2,result.id,result.result,result.pass,__proto__,"k""q",A,result,finishedAt,durationMs,attempts,shard,pass,redone',
    );
    expect(expected.csv).toContain("'=1/2");
  });

  it("reads the results for the columns when a segment has no keys line, its last line torn", async () => {
    const dir = newDir();
    writeFileSync(join(dir, "outcomes-1.jsonl"), segment(1, trickyOutcomes()));
    writeFileSync(join(dir, "outcomes-2.jsonl"), segment(2, [{ id: "late", r: '{"only":"here"}' }], { killed: true }));
    const expected = reference(dir);
    expect(expected.csv.split("\n")[0]).toContain(",only,");
    expect(await exported(dir, "csv")).toBe(expected.csv);
    expect(await exported(dir, "jsonl")).toBe(expected.jsonl);
  });

  it("reads lines across the 1 MiB reads, and a line longer than one read", async () => {
    const dir = newDir();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 12_000; i++)
      outcomes.push({ id: `item-${i}`, r: JSON.stringify({ i, note: "x".repeat(i % 300), s: i % 5 === 0 ? "a,b" : "c" }) });
    outcomes.splice(5000, 0, { id: "huge", r: JSON.stringify({ i: -1, note: "y".repeat(3 << 20), s: "big" }) });
    outcomes.push({ id: "item-7", r: '{"i":7,"note":"last wins","s":"d"}' });
    writeFileSync(join(dir, "outcomes-1.jsonl"), segment(1, outcomes));
    const expected = reference(dir);
    const csv = await exported(dir, "csv");
    expect(csv.length).toBe(expected.csv.length);
    expect(csv === expected.csv).toBe(true);
    expect((await exported(dir, "jsonl")) === expected.jsonl).toBe(true);
    expect(await countResults(dir)).toEqual(expected.counts);
    expect(csv.split("\n").length).toBe(12_000 + 3);
  });

  it("writes the job log as CSV byte for byte as csv-stringify does", async () => {
    const dir = newDir();
    const errors = ['say "no"', "two\nlines", "=HYPERLINK()", "a,b", "", "-1", "plain"];
    const outcomes: Outcome[] = [...trickyOutcomes(), ...errors.map((error, i) => ({ id: `f${i}`, fail: true as const, error }))];
    writeFileSync(join(dir, "outcomes-1.jsonl"), segment(1, outcomes, { shard: "1/2", pass: 3 }));
    const columns = [
      "id",
      "ok",
      "startedAt",
      "finishedAt",
      "durationMs",
      "attempts",
      "exitStatus",
      "kind",
      "error",
      "redone",
      "shard",
      "pass",
      "runId",
    ];
    const cell = (v: unknown) => (v === undefined || v === null ? "" : typeof v === "boolean" ? String(v) : formulaSafeCell(v));
    const rows: unknown[][] = [];
    for await (const batch of readOutcomes(dir)) {
      for (const { line, header } of batch) {
        const view = viewOf(line, header) as unknown as Record<string, unknown>;
        rows.push(columns.map((c) => cell(view[c])));
      }
    }
    expect(rows.length).toBe(outcomes.length);
    expect(await exported(dir, "log-csv")).toBe(stringify([columns, ...rows]));
  });
});
