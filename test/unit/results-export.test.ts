import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runBatch } from "../../src/core/run/run-batch.js";
import { exportLog, exportResults, type ResultFormat } from "../../src/report/results-export.js";
import { FakeSystem } from "../support/fake-system.js";
import { batchSetup, scriptedHandler } from "../support/scripted-handler.js";

const ISO = /^2026-11-27T00:00:\d\d\.\d{3}Z$/;

async function exported(stateDir: string, format: ResultFormat | "log-csv"): Promise<string> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (c: Buffer) => chunks.push(c.toString()));
  if (format === "log-csv") await exportLog(stateDir, "csv", out);
  else await exportResults(stateDir, format, out);
  out.end();
  return chunks.join("");
}

async function stateWith(results: Record<string, unknown>, shardLabel?: string): Promise<string> {
  const system = new FakeSystem(Date.UTC(2026, 10, 27));
  const h = scriptedHandler(system, (id) =>
    id in results ? { ok: true, result: results[id] } : { ok: false, kind: "permanent", error: '=HYPERLINK("x")' },
  );
  const { options } = batchSetup([...Object.keys(results), "bad"], { system, handler: h.handler, results: true, shardLabel });
  await system.runUntil(runBatch(options));
  return options.stateDir;
}

describe("results as CSV", () => {
  it("flattens the top-level fields of object results into columns; other results go in a result column", async () => {
    const dir = await stateWith({ a: { name: "Ann", tags: ["x"], id: 7 }, b: { name: "Bob", city: "Oslo" }, c: "plain" });
    const rows = parse(await exported(dir, "csv"), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(["id", "name", "tags", "result.id", "city", "result", "finishedAt", "durationMs", "attempts"]);
    expect(rows.map((r) => [r.id, r.name, r.tags, r["result.id"], r.city, r.result])).toEqual([
      ["a", "Ann", '["x"]', "7", "", ""],
      ["b", "Bob", "", "", "Oslo", ""],
      ["c", "", "", "", "", "plain"],
    ]);
    expect(rows[0]).toMatchObject({ finishedAt: expect.stringMatching(ISO), durationMs: "100", attempts: "1" });
  });

  it("takes its columns from the segments' keys lines, and reads the results for them when a segment has none (a killed run)", async () => {
    const dir = await stateWith({ a: { name: "Ann" } });
    const segment = join(
      dir,
      readdirSync(dir).find((n) => n.startsWith("outcomes-"))!,
    );
    const text = readFileSync(segment, "utf8");
    expect(text.trimEnd().split("\n").pop()).toBe('{"t":"keys","keys":["name"],"plain":false}');
    // The keys line is what the header comes from: a field named there only shows.
    writeFileSync(segment, text.replace('"keys":["name"]', '"keys":["name","ghost"]'));
    expect((await exported(dir, "csv")).split("\n")[0]).toBe("id,name,ghost,finishedAt,durationMs,attempts");
    // Without it (the run was killed before its end), the results themselves are read.
    writeFileSync(segment, text.trimEnd().split("\n").slice(0, -1).join("\n") + "\n");
    expect((await exported(dir, "csv")).split("\n")[0]).toBe("id,name,finishedAt,durationMs,attempts");
  });

  it("makes cells that a spreadsheet would run as formulas into text", async () => {
    const dir = await stateWith({ "=cmd|' /C calc'!A0": { v: "+1+1", n: -5, at: "@SUM(A1)" } });
    const text = await exported(dir, "csv");
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows[0]).toMatchObject({ id: "'=cmd|' /C calc'!A0", v: "'+1+1", n: "-5", at: "'@SUM(A1)" });
    const log = parse(await exported(dir, "log-csv"), { columns: true }) as Array<Record<string, string>>;
    expect(log.find((r) => r.ok === "false")!.error).toBe('\'=HYPERLINK("x")');
  });

  it("leaves a field's cell empty when the result has no such field of its own (not Object.prototype's)", async () => {
    const dir = await stateWith({ a: { constructor: "c", toString: "t" }, b: { x: 1 }, c: "plain" });
    const rows = parse(await exported(dir, "csv"), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.id, r.constructor, r.toString, r.x, r.result])).toEqual([
      ["a", "c", "t", "", ""],
      ["b", "", "", "1", ""],
      ["c", "", "", "", "plain"],
    ]);
  });

  it("adds the shard column when the results came from shards", async () => {
    const dir = await stateWith({ a: 1 }, "2/3");
    const rows = parse(await exported(dir, "csv"), { columns: true }) as Array<Record<string, string>>;
    expect(rows[0]).toMatchObject({ id: "a", result: "1", shard: "2/3" });
  });
});

describe("results as JSON Lines and JSON", () => {
  it("streams one record per item: id, result, finishedAt, durationMs, attempts", async () => {
    const dir = await stateWith({ a: { n: 1 }, b: null });
    const lines = (await exported(dir, "jsonl"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: "a", result: { n: 1 }, finishedAt: expect.stringMatching(ISO), durationMs: 100, attempts: 1 },
      { id: "b", result: null, finishedAt: expect.stringMatching(ISO), durationMs: 100, attempts: 1 },
    ]);
    expect(Date.parse(lines[1].finishedAt) - Date.parse(lines[0].finishedAt)).toBe(100);
    expect(JSON.parse(await exported(dir, "json"))).toEqual(lines);
    expect(JSON.parse(await exported(mkdtempSync(join(tmpdir(), "rb-empty-")), "json"))).toEqual([]);
  });
});
