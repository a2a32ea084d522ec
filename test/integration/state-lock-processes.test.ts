import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/core/state/state-lock.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const tempDir = tempDirsPerTest("rb-lock-");
const DEAD_PID = 999_999_999;
const staleLock = (dir: string) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: "t", nonce: "old" }));

describe("acquireLock across real processes", () => {
  it("lets exactly one of several real processes take over a stale lock", async () => {
    const dir = tempDir();
    staleLock(dir);
    const go = join(dir, "go");
    // Each process says "ready", spins until the go file exists (so all reach the lock at
    // the same moment), says what it got, and holds on until its stdin closes.
    const script = `
      import { existsSync } from "node:fs";
      import { acquireLock } from ${JSON.stringify(resolve("src/core/state/state-lock.ts"))};
      console.log("ready");
      while (!existsSync(${JSON.stringify(go)})) {}
      try { acquireLock(${JSON.stringify(dir)}); console.log("won"); } catch (e) { console.log(/in use/.test(String(e)) ? "lost" : String(e)); }
      process.stdin.resume();`;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "inherit"] }),
    );
    const lines = children.map((child) => {
      const seen: string[] = [];
      const waiters: Array<() => void> = [];
      child.stdout!.on("data", (d: Buffer) => {
        seen.push(...d.toString().trim().split("\n"));
        waiters.splice(0).forEach((w) => w());
      });
      return (count: number) =>
        new Promise<string[]>((done) => {
          const check = () => (seen.length >= count ? done(seen) : waiters.push(check));
          check();
        });
    });
    await Promise.all(lines.map((l) => l(1)));
    writeFileSync(go, "");
    const results = (await Promise.all(lines.map((l) => l(2)))).map((s) => s[1]);
    children.forEach((c) => c.stdin!.end());
    await Promise.all(children.map((c) => new Promise((r) => c.on("close", r))));
    expect(results.sort()).toEqual(["lost", "lost", "lost", "won"]);
  }, 30_000);
});
