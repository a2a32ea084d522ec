import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** A new empty folder under the OS temp folder; the caller removes it (see tempDirsPerTest). */
export function tempDir(prefix = "rb-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A temp folder maker for a test file: every folder it made is removed after each test.
 * Call it at the top level of the test file (it registers an afterEach hook).
 */
export function tempDirsPerTest(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) cleanup(d);
  });
  return () => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
