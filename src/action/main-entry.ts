import { runMain } from "./main.js";
import { createRealHost } from "./real-host.js";

// The only place that exits: a module handler's stray timers must not keep a finished run alive.
await runMain(createRealHost());
process.stdout.write("", () => process.exit(process.exitCode ?? 0));
