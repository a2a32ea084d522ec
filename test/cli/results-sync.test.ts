/**
 * The worked example this project grew from, with results: an API → CSV sync of 1,000
 * records, stopped with Ctrl-C near record 400 and run again; record 612 is bad. The
 * product — one CSV row per synced record — comes from `results --format csv`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { prepareCli, readLines, runCli, startCli, tempDirsPerTest, waitUntil, writeFile } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-results-sync-");

const SYNC = `
import { appendFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
export default async (record, ctx) => {
  await sleep(3, undefined, { signal: ctx.signal });
  if (typeof record.mrr !== "number") throw new ctx.PermanentError("field 'mrr' is " + JSON.stringify(record.mrr) + ", expected a number");
  appendFileSync("synced.log", ctx.id + "\\n");
  return { name: record.name, mrr_usd: record.mrr, idempotency_key: ctx.idempotencyKey };
};
`;

describe("the demo's sync with results", () => {
  it("1,000 records, Ctrl-C near 400, record 612 bad: 999 rows in results --format csv", async () => {
    const dir = newDir();
    const records = Array.from({ length: 1000 }, (_, i) => {
      const n = i + 1;
      return { id: `cus_${String(n).padStart(4, "0")}`, name: n === 7 ? '=HYPERLINK("x")' : `Customer ${n}`, mrr: n === 612 ? "N/A" : n * 10 };
    });
    writeFile(dir, "customers.jsonl", records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    writeFile(dir, "sync.mjs", SYNC);
    const args = ["run", "--items", "customers.jsonl", "--module", "sync.mjs", "--results", "--concurrency", "4"];

    const first = startCli(cli, args, { cwd: dir });
    await waitUntil(() => readLines(join(dir, "synced.log")).length >= 400, "400 records synced", 60_000);
    first.child.kill("SIGINT");
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const syncedFirst = readLines(join(dir, "synced.log")).length;
    expect(syncedFirst).toBeLessThan(1000);

    const second = await runCli(cli, args, { cwd: dir });
    expect(second.code, second.stderr).toBe(1); // record 612 failed

    const csv = await runCli(cli, ["results", "--format", "csv", "--out", "customers.csv"], { cwd: dir });
    expect(csv.code).toBe(0);
    const rows = parse(readFileSync(join(dir, "customers.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(999);
    expect(new Set(rows.map((r) => r.id)).size).toBe(999);
    expect(rows.some((r) => r.id === "cus_0612")).toBe(false);
    expect(Object.keys(rows[0]!)).toEqual(["id", "name", "mrr_usd", "idempotency_key", "finishedAt", "durationMs", "attempts"]);
    expect(rows.find((r) => r.id === "cus_0007")!.name).toBe('\'=HYPERLINK("x")');
    expect(rows.find((r) => r.id === "cus_0999")!.mrr_usd).toBe("9990");
    const failures = JSON.parse(readFileSync(join(dir, ".resumable-batch/failures.json"), "utf8")).failures;
    expect(failures.map((f: { id: string }) => f.id)).toEqual(["cus_0612"]);
  }, 120_000);
});
