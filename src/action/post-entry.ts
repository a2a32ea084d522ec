import { runPost } from "./post.js";
import { createRealHost } from "./real-host.js";

// The only place that exits: an abandoned (timed-out) service call must not keep post alive.
await runPost(createRealHost());
process.stdout.write("", () => process.exit(process.exitCode ?? 0));
