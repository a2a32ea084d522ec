// Section 7 of the benchmark: recurring work. What reprocess-changed costs on a run where
// nothing changed, that only the changed items run when some did, what the fingerprints
// add to the saved state, and what starting a new pass over a large state costs.
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { best, runCase } from "../lib/child.js";
import { writeItems } from "../lib/items.js";
import type { Row } from "../lib/table.js";

interface EngineResult {
  ms: number;
  cpuMs: number;
  items: number;
  maxRssBytes: number;
}
interface NewPassResult {
  ms: number;
  loadMs: number;
  doneBefore: number;
}

export interface PassesContext {
  cases: string;
  scratch: string;
  n: number;
  reps: number;
  judged: boolean;
  log: (message: string) => void;
  archivedBytes: (stateDir: string, scratch: string, compression: "zstd" | "gzip") => number;
  fmtS: (ms: number) => string;
  fmtN: (n: number) => string;
  fmtX: (x: number) => string;
}

const SECTION = "7. Recurring work (passes, reprocess-changed)";
/** One item in this many is edited upstream for the "1% changed" run. */
const CHANGED_EVERY = 100;

export async function passesSection(c: PassesContext): Promise<{ rows: Row[]; samples: Record<string, unknown> }> {
  const { n, scratch, fmtS, fmtN, fmtX } = c;
  const items = join(scratch, `passes-items-${n}.jsonl`);
  const changedItems = join(scratch, `passes-items-${n}-changed.jsonl`);
  await writeItems(items, n, "jsonl");
  await writeItems(changedItems, n, "jsonl", CHANGED_EVERY);
  const seedPlain = join(scratch, "passes-seed-plain");
  const seedFingerprints = join(scratch, "passes-seed-fingerprints");
  c.log(`passes ${fmtN(n)}: seeding a finished state with and without fingerprints`);
  await runCase<EngineResult>(c.cases, "engine", { items, stateDir: seedPlain });
  await runCase<EngineResult>(c.cases, "engine", { items, stateDir: seedFingerprints, reprocessChanged: true });

  const without: EngineResult[] = [];
  const withChanges: EngineResult[] = [];
  const onePercent: EngineResult[] = [];
  const newPass: NewPassResult[] = [];
  const copy = (from: string, name: string) => {
    const to = join(scratch, name);
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
    return to;
  };
  for (let rep = 0; rep < c.reps; rep++) {
    c.log(`passes ${fmtN(n)}: rep ${rep + 1}/${c.reps}`);
    // Interleaved: a run over the finished state without the option, then with it.
    without.push(await runCase<EngineResult>(c.cases, "engine", { items, stateDir: copy(seedPlain, "passes-run"), expectProcessed: 0 }));
    withChanges.push(
      await runCase<EngineResult>(c.cases, "engine", {
        items,
        stateDir: copy(seedFingerprints, "passes-run"),
        reprocessChanged: true,
        expectProcessed: 0,
      }),
    );
    onePercent.push(
      await runCase<EngineResult>(c.cases, "engine", {
        items: changedItems,
        stateDir: copy(seedFingerprints, "passes-run"),
        reprocessChanged: true,
        expectProcessed: Math.ceil(n / CHANGED_EVERY),
      }),
    );
    newPass.push(await runCase<NewPassResult>(c.cases, "new-pass", { stateDir: copy(seedPlain, "passes-run") }));
  }
  const plainBytes = c.archivedBytes(seedPlain, scratch, "zstd");
  const fingerprintBytes = c.archivedBytes(seedFingerprints, scratch, "zstd");
  for (const dir of [seedPlain, seedFingerprints, join(scratch, "passes-run"), items, changedItems]) rmSync(dir, { recursive: true, force: true });

  const withoutMs = best(without.map((r) => r.ms));
  const withMs = best(withChanges.map((r) => r.ms));
  const onePercentMs = best(onePercent.map((r) => r.ms));
  const newPassMs = best(newPass.map((r) => r.ms));
  const withCpuMs = best(withChanges.map((r) => r.cpuMs));
  const withoutCpuMs = best(without.map((r) => r.cpuMs));
  const perItemBytes = (fingerprintBytes - plainBytes) / n;
  const rows: Row[] = [
    {
      section: SECTION,
      measure: `--reprocess-changed, nothing changed, ${fmtN(n)} done items`,
      ours: fmtS(withMs),
      other: `the same run without it ${fmtS(withoutMs)}`,
      ratio: fmtX(withMs / withoutMs),
      target: "≤ 1.3×",
      pass: c.judged ? withMs / withoutMs <= 1.3 : undefined,
      values: { n, withMs, withoutMs, ratio: withMs / withoutMs },
    },
    {
      // CPU time is steadier than wall time on a shared machine: other load only adds wall time.
      section: SECTION,
      measure: `↳ the same in CPU time (user + system)`,
      ours: fmtS(withCpuMs),
      other: `without it ${fmtS(withoutCpuMs)}`,
      ratio: fmtX(withCpuMs / withoutCpuMs),
      values: { n, withCpuMs, withoutCpuMs, ratio: withCpuMs / withoutCpuMs },
    },
    {
      section: SECTION,
      measure: `↳ 1% changed upstream: only those run`,
      ours: `${fmtN(Math.ceil(n / CHANGED_EVERY))} items in ${fmtS(onePercentMs)}`,
      other: `of ${fmtN(n)}`,
      ratio: fmtX(onePercentMs / withoutMs),
      values: { n, onePercentMs, processed: Math.ceil(n / CHANGED_EVERY) },
    },
    {
      section: SECTION,
      measure: `fingerprints in the saved state (tar + zstd), ${fmtN(n)} done items`,
      ours: `${perItemBytes.toFixed(1)} bytes/item`,
      other: `${(fingerprintBytes / 1024).toFixed(0)} KB vs ${(plainBytes / 1024).toFixed(0)} KB without`,
      ratio: "",
      target: "≤ 10 bytes/item",
      pass: c.judged ? perItemBytes <= 10 : undefined,
      values: { n, plainBytes, fingerprintBytes, perItemBytes },
    },
    {
      section: SECTION,
      measure: `start a new pass over ${fmtN(n)} done items`,
      ours: fmtS(newPassMs),
      other: `(loading the state: ${fmtS(best(newPass.map((r) => r.loadMs)))})`,
      ratio: "",
      target: "< 0.5 s",
      pass: c.judged ? newPassMs < 500 : undefined,
      values: { n, newPassMs, loadMs: best(newPass.map((r) => r.loadMs)) },
    },
  ];
  return { rows, samples: { without, withChanges, onePercent, newPass, plainBytes, fingerprintBytes } };
}
