import { runPost } from "./post.js";
import { createRealHost } from "./real-host.js";
import { ignoreGoneReaders } from "../shared/broken-output.js";

// A runner whose log pipe broke must still get a graceful stop and a saved state.
ignoreGoneReaders();

// The only place that exits: an abandoned (timed-out) service call must not keep post alive.
await runPost(createRealHost());
process.stdout.write("", () => process.exit(process.exitCode ?? 0));
