#!/usr/bin/env node
/**
 * `npm run demo`: syncs a few thousand customer records into examples/demo/out/customers.csv
 * with the built CLI (dist/cli/index.js), then says what to try next. Run it again to
 * resume; `npm run demo -- --fresh` starts over. Works offline: the data is generated.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, relative } from "node:path";
import { BAD_RECORD_ID, generateCustomers } from "./customers.mjs";

const RECORDS = 4000;
const demoDir = dirname(fileURLToPath(import.meta.url));
const repoDir = join(demoDir, "..", "..");
const outDir = join(demoDir, "out");
const itemsFile = join(outDir, "customers.jsonl");
const stateDir = join(outDir, "state");
const csvFile = join(outDir, "customers.csv");
const cli = join(repoDir, "dist", "cli", "index.js");
const handler = join(demoDir, "sync-customer.mjs");
/** Paths as the user would type them from the repository root. */
const rel = (path) => relative(repoDir, path) || ".";
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);

if (!existsSync(cli)) {
  console.error(`${rel(cli)} is missing: build it with \`npm run build\` (npm run demo does that first).`);
  process.exit(2);
}
if (process.argv.includes("--fresh")) {
  rmSync(outDir, { recursive: true, force: true });
  console.log(`Removed ${rel(outDir)}: starting over.`);
}

const resuming = readStatus().runs > 0;
if (!existsSync(itemsFile)) {
  mkdirSync(outDir, { recursive: true });
  const text =
    generateCustomers(RECORDS)
      .map((r) => JSON.stringify(r))
      .join("\n") + "\n";
  writeFileSync(itemsFile, text);
}

const args = [
  cli,
  "run",
  "--items",
  rel(itemsFile),
  "--module",
  rel(handler),
  "--state-dir",
  rel(stateDir),
  "--concurrency",
  "8",
  "--backoff",
  "200ms",
];
console.log(
  [
    "",
    bold(resuming ? "resumable-batch demo — resuming the last run" : "resumable-batch demo"),
    `Syncing ${RECORDS} customer records from a (simulated) CRM API into ${rel(csvFile)}:`,
    "  - each record takes 15–35 ms (8 at a time), about 15 s in all;",
    "  - a few calls fail with 503 / 429 and are retried with backoff;",
    `  - one record (${BAD_RECORD_ID}) has bad data and fails for good, with its reason.`,
    "",
    `Press ${bold("Ctrl-C")} at any time, then run ${bold("npm run demo")} again: it resumes where it stopped.`,
    "",
    `$ node ${args
      .map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a))
      .map((a) => (a === cli ? rel(cli) : a))
      .join(" ")}`,
    "",
  ].join("\n"),
);

// Ctrl-C reaches the whole foreground process group, so the CLI gets the terminal's
// SIGINT itself; this script only waits for it to stop cleanly and then explains.
// A SIGTERM sent to this script alone is passed on.
process.on("SIGINT", () => {});
const child = spawn(process.execPath, args, { cwd: repoDir, stdio: ["ignore", "inherit", "inherit"] });
process.on("SIGTERM", () => child.kill("SIGTERM"));
const code = await new Promise((resolve) => child.on("close", (c, signal) => resolve(c ?? (signal === "SIGINT" ? 130 : 143))));

const status = readStatus();
const failures = existsSync(join(stateDir, "failures.json")) ? JSON.parse(readFileSync(join(stateDir, "failures.json"), "utf8")).failures : [];
const rows = existsSync(csvFile) ? readFileSync(csvFile, "utf8").split("\n").filter(Boolean).length - 1 : 0;
const cmd = (s) => `    ${bold(s)}`;
const lines = [""];
if (code === 130 || code === 143) {
  lines.push(
    `Stopped by ${code === 130 ? "Ctrl-C" : "SIGTERM"}, with progress saved: ${status.done} of ${RECORDS} records done.`,
    "Run it again — finished records are not synced twice:",
    cmd("npm run demo"),
    "See where it stands:",
    cmd(`node ${rel(cli)} status --state-dir ${rel(stateDir)}`),
  );
} else if (code === 0 || code === 1) {
  const last = status.lastRun;
  if (resuming && last && last.succeeded + last.failed === 0) lines.push("Nothing was left to do: every record is done or failed for good.");
  lines.push(`${rel(csvFile)} has ${rows} rows; ${status.done} of ${RECORDS} records synced, ${failures.length} failed.`);
  if (failures.length > 0) {
    lines.push(
      "",
      "What failed, and why (also in " + rel(join(stateDir, "failures.json")) + "):",
      cmd(`node ${rel(cli)} failures --state-dir ${rel(stateDir)} --format markdown`),
      "Re-attempt only the failed records (the bad one fails again, with attempts counted on):",
      cmd(`node ${rel(cli)} run --retry-failures --module ${rel(handler)} --state-dir ${rel(stateDir)}`),
      "Fix the data, then retry — it leaves failures.json and joins the CSV:",
      cmd(`echo '{"${BAD_RECORD_ID}": {"mrr": 49}}' > ${rel(join(outDir, "corrections.json"))}`),
      cmd(`node ${rel(cli)} run --retry-failures --module ${rel(handler)} --state-dir ${rel(stateDir)}`),
    );
  } else {
    lines.push("Everything is synced.");
  }
  lines.push("", "Start over:", cmd("npm run demo -- --fresh"));
} else {
  lines.push(`The CLI exited with ${code}: see its message above.`);
}
console.log(lines.join("\n") + "\n");
// The demo did its job when the CLI stopped for an expected reason (done, a failed item,
// Ctrl-C); npm need not print an error for those.
process.exit([0, 1, 3, 130, 143].includes(code) ? 0 : code);

/** What the state folder holds, as `resumable-batch status --json` tells it. */
function readStatus() {
  if (!existsSync(stateDir)) return { done: 0, failed: 0, runs: 0 };
  const text = execFileSync(process.execPath, [cli, "status", "--json", "--state-dir", stateDir], { encoding: "utf8" });
  return JSON.parse(text);
}
