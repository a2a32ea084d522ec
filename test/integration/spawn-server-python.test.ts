import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const source = fileURLToPath(new URL("../../src/core/handlers/command/spawn-server.py", import.meta.url));
let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe("spawn-server.py", () => {
  it("compiles with python3 -m py_compile (CI installs python3)", () => {
    scratch = mkdtempSync(join(tmpdir(), "spawn-server-py-"));
    // The compiled file goes to the scratch folder, not a __pycache__ beside the source.
    const run = () => execFileSync("python3", ["-m", "py_compile", source], { env: { ...process.env, PYTHONPYCACHEPREFIX: scratch }, stdio: "pipe" });
    expect(run).not.toThrow();
  });
});
