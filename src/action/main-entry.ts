import { runMain } from "./main.js";
import { createRealHost } from "./real-host.js";
import { ignoreGoneReaders } from "../shared/broken-output.js";

// A runner whose log pipe broke must still get a graceful stop and a saved state.
ignoreGoneReaders();

// The only place that exits: a module handler's stray timers must not keep a finished run alive.
await runMain(createRealHost());
process.stdout.write("", () => process.exit(process.exitCode ?? 0));
