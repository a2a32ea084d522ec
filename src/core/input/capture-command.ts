import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { ConfigError } from "../platform/errors.js";
import { OutputTail } from "../handlers/command/output-tail.js";
import type { System } from "../platform/system.js";

/**
 * Runs the items command once and saves its standard output to a file, so the items can
 * be read twice (checked first, then processed) without running the command twice.
 */
export async function captureCommandOutput(command: string, outPath: string, options: { cwd?: string; env: NodeJS.ProcessEnv; system: System; what: string }): Promise<void> {
  const out = createWriteStream(outPath);
  const child = options.system.spawn("/bin/sh", ["-c", command], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const stderr = new OutputTail();
  child.stderr?.on("data", (c: Buffer) => stderr.push(c));
  child.stdout?.pipe(out);
  const [code, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  if (!out.writableFinished) await once(out, "finish");
  if (code !== 0) {
    const tail = stderr.value();
    throw new ConfigError(`${options.what}: the command exited with ${code ?? signal}${tail ? `:\n${tail}` : ""}`);
  }
}
