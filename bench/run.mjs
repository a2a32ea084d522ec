#!/usr/bin/env node
// Starts the benchmark: compiles bench/ and the engine it imports with the project's
// TypeScript (bench/tsconfig.json → bench/results/build), then runs bench/main.ts there.
//
//   node bench/run.mjs [--quick] [--only engine,commands,resume,latency,transfer,outcomes] [--reps N] [--cli FILE]
//
// `npm run bench` builds the CLI first (node scripts/build.mjs cli); this launcher does not,
// and uses dist/cli/index.js as it finds it.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const build = join(repo, "bench/results/build");
execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", join(repo, "bench/tsconfig.json")], {
  stdio: "inherit",
  cwd: repo,
});
// The stand-in runs each cache client call through this plain .mjs file, found beside it.
const clientOp = "test/e2e/service/client-op.mjs";
mkdirSync(dirname(join(build, clientOp)), { recursive: true });
copyFileSync(join(repo, clientOp), join(build, clientOp));
await import(pathToFileURL(join(build, "bench/main.js")).href);
