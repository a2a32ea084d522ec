// Section 6 of the benchmark: the job log and results (issue 15). Started from main.ts.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { best, median, mustRun, runCase } from "./lib/child.js";
import { writeItems } from "./lib/items.js";
import type { Row } from "./lib/table.js";

interface EngineResult {
  ms: number;
  items: number;
  maxRssBytes: number;
}

export interface OutcomesOptions {
  n: number;
  reps: number;
  judged: boolean;
  casesFile: string;
  cli: string;
  scratch: string;
  log: (message: string) => void;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtMB = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const fmtN = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

function archivedBytes(dir: string, scratch: string): number {
  const out = join(scratch, "outcomes-state.tzst");
  execFileSync("tar", ["--posix", "-cf", out, "--use-compress-program", "zstd -T0", "-C", dirname(dir), basename(dir)]);
  const size = statSync(out).size;
  rmSync(out);
  return size;
}

function segmentStats(dir: string): { bytes: number; files: Array<{ name: string; size: number; mtimeMs: number; ino: number }> } {
  const files = readdirSync(dir)
    .filter((n) => n.startsWith("outcomes-"))
    .map((name) => {
      const s = statSync(join(dir, name));
      return { name, size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
    });
  return { bytes: files.reduce((n, f) => n + f.size, 0), files };
}

/** The job log's cost, the saved state's size with it, and `results --format csv` over a million results. */
export async function outcomesSection(o: OutcomesOptions, samples: Record<string, unknown>): Promise<Row[]> {
  const section = `8. Job log and results (${fmtN(o.n)} items)`;
  const items = join(o.scratch, `outcome-items-${o.n}.jsonl`);
  await writeItems(items, o.n, "jsonl");
  const withLog: number[] = [];
  const without: number[] = [];
  let stateDir = "";
  for (let rep = 0; rep < o.reps; rep++) {
    for (const jobLog of [true, false]) {
      const dir = join(o.scratch, `outcomes-engine-${jobLog}-${rep}`);
      o.log(`outcomes: engine ${fmtN(o.n)} ${jobLog ? "with" : "without"} the job log, rep ${rep + 1}/${o.reps}`);
      const r = await runCase<EngineResult>(o.casesFile, "engine", { items, stateDir: dir, jobLog });
      (jobLog ? withLog : without).push(r.ms);
      if (jobLog && rep === o.reps - 1) stateDir = dir;
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const ratio = best(withLog) / best(without);
  const stateBytes = archivedBytes(stateDir, o.scratch);
  rmSync(stateDir, { recursive: true, force: true });

  o.log(`outcomes: ${fmtN(o.n)} results of about 200 bytes`);
  const resultsDir = join(o.scratch, "outcomes-results");
  await runCase<EngineResult>(o.casesFile, "engine", { items, stateDir: resultsDir, resultBytes: 200 });
  const before = segmentStats(resultsDir);
  const snapshotBytes = statSync(join(resultsDir, "snapshot.json")).size;
  // A second run (nothing left, so only its checkpoint: load, compaction, failures.json).
  await runCase<EngineResult>(o.casesFile, "engine", { items, stateDir: resultsDir, resultBytes: 200 });
  const after = segmentStats(resultsDir);
  const untouched = before.files.every((f) =>
    after.files.some((g) => g.name === f.name && g.size === f.size && g.mtimeMs === f.mtimeMs && g.ino === f.ino),
  );

  const csvMs: number[] = [];
  const csvRss: number[] = [];
  const out = join(o.scratch, "results.csv");
  // Peak memory as the process itself sees it, printed by a preloaded exit hook.
  const hook = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))`;
  for (let rep = 0; rep < o.reps; rep++) {
    o.log(`outcomes: results --format csv, rep ${rep + 1}/${o.reps}`);
    const r = await mustRun(process.execPath, ["--import", hook, o.cli, "results", "--state-dir", resultsDir, "--format", "csv", "--out", out], {
      timeoutMs: 300_000,
    });
    csvMs.push(r.ms);
    csvRss.push(Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? 0) * 1024);
  }
  const csvBytes = statSync(out).size;
  rmSync(out, { force: true });
  rmSync(resultsDir, { recursive: true, force: true });
  rmSync(items, { force: true });
  samples.outcomes = {
    n: o.n,
    withLogMs: withLog,
    withoutLogMs: without,
    stateBytes,
    resultsBytes: before.bytes,
    snapshotBytes,
    csvMs,
    csvRss,
    csvBytes,
    untouched,
  };
  const judged = o.judged;
  return [
    {
      section,
      measure: "engine with the job log vs without it (no-op items)",
      ours: fmtS(best(withLog)),
      other: `without ${fmtS(best(without))}`,
      ratio: `${ratio.toFixed(2)}×`,
      target: "≤ 1.3×",
      pass: judged ? ratio <= 1.3 : undefined,
      values: { withLogMs: best(withLog), withoutLogMs: best(without), ratio },
    },
    {
      section,
      measure: "saved state of the finished items with their job log, tar + zstd",
      ours: fmtMB(stateBytes),
      other: "",
      ratio: "",
      target: "< 10 MB",
      pass: judged ? stateBytes < 10 * 1024 * 1024 : undefined,
      values: { stateBytes },
    },
    {
      section,
      measure: "`results --format csv`, ~200-byte results",
      ours: fmtS(best(csvMs)),
      other: `${fmtMB(csvBytes)} of CSV; log ${fmtMB(before.bytes)}`,
      ratio: "",
      target: "< 5 s",
      pass: judged ? best(csvMs) < 5000 : undefined,
      values: { csvMs: best(csvMs), csvBytes },
    },
    {
      section,
      measure: "… peak memory of that process (max RSS)",
      ours: fmtMB(median(csvRss)),
      other: "",
      ratio: "",
      target: "< 300 MB",
      pass: judged ? median(csvRss) < 300 * 1024 * 1024 : undefined,
      values: { maxRssBytes: median(csvRss) },
    },
    {
      section,
      measure: "a checkpoint rewrites none of the saved results (segment files unchanged)",
      ours: untouched ? "unchanged" : "REWRITTEN",
      other: `snapshot ${fmtMB(snapshotBytes)} vs results ${fmtMB(before.bytes)}`,
      ratio: "",
      target: "never",
      pass: judged ? untouched : undefined,
      values: { untouched: untouched ? 1 : 0 },
    },
  ];
}
