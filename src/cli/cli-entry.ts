#!/usr/bin/env node
import { main } from "./main.js";
import { ignoreGoneReaders } from "../shared/broken-output.js";

// `… | head -1`, or a `| tee log` killed by the same Ctrl-C: a log nobody reads must not end the run.
ignoreGoneReaders();

// The only place that exits: a module handler's stray timers must not keep a finished run alive.
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
process.exitCode = code;
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
