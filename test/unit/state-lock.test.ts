import { spawn } from "node:child_process";
import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, LOCK_FILE, procStartOf, realLockEnv, type LockEnv, type LockHolder } from "../../src/core/state/state-lock.js";
import { tempDirsPerTest } from "../support/temp-dirs.js";

const tempDir = tempDirsPerTest("rb-lock-");
const DEAD_PID = 999_999_999;

/** A contender with its own pid, in a world where only the pids in `alive` run. */
function contender(pid: number, alive: Set<number>, hooks: Partial<LockEnv> = {}): LockEnv {
  return {
    self: (): LockHolder => ({ pid, host: hostname(), startedAt: "t", procStart: `start-${pid}`, bootId: "boot", nonce: `nonce-${pid}` }),
    probe: (p) => (alive.has(p) ? { alive: true, procStart: `start-${p}` } : { alive: false }),
    bootId: () => "boot",
    ...hooks,
  };
}

const staleLock = (dir: string) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: "t", nonce: "old" }));
const holderOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")) as LockHolder;

describe("acquireLock", () => {
  it("refuses a folder whose lock holder runs, and releases only its own lock", () => {
    const dir = tempDir();
    const alive = new Set([1, 2]);
    const a = acquireLock(dir, contender(1, alive));
    expect(() => acquireLock(dir, contender(2, alive))).toThrow(/in use by another run \(pid 1\)/);
    a.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("takes a stale lock over when two runs start together: exactly one wins (the other judged it stale first)", () => {
    const dir = tempDir();
    staleLock(dir);
    const alive = new Set([1, 2]);
    let b: ReturnType<typeof acquireLock> | undefined;
    // A judges the lock stale; before A claims it, B runs its whole takeover.
    const a = () => acquireLock(dir, contender(1, alive, { beforeClaim: () => (b = acquireLock(dir, contender(2, alive))) }));
    expect(a).toThrow(/in use by another run \(pid 2\)/);
    expect(b?.tookOverFrom).toBe(`pid ${DEAD_PID} on ${hostname()}`);
    expect(holderOf(dir).pid).toBe(2);
  });

  it("takes a stale lock over when two runs start together: exactly one wins (the other comes while it replaces)", () => {
    const dir = tempDir();
    staleLock(dir);
    const alive = new Set([1, 2]);
    let bError: unknown;
    const a = acquireLock(dir, contender(1, alive, {
      beforeReplace: () => {
        try {
          acquireLock(dir, contender(2, alive));
        } catch (error) {
          bError = error;
        }
      },
    }));
    expect(a.tookOverFrom).toMatch(/pid 999999999/);
    expect(String(bError)).toMatch(/in use by another run \(pid 1\)/);
    expect(holderOf(dir).pid).toBe(1);
  });

  it("takes over a lock whose holder left a claim and died before replacing it", () => {
    const dir = tempDir();
    staleLock(dir);
    const alive = new Set([1, 3]);
    // Contender 3 claims, then "dies" (the test drops it from the living) before it replaces.
    expect(() => acquireLock(dir, contender(3, alive, {
      beforeReplace: () => {
        alive.delete(3);
        throw new Error("killed");
      },
    }))).toThrow("killed");
    expect(acquireLock(dir, contender(1, alive)).tookOverFrom).toMatch(/pid 999999999/);
  });

  it("never follows a lock that is a symbolic link: its target stays as it was", () => {
    const dir = tempDir();
    const target = join(tempDir(), "precious.txt");
    writeFileSync(target, "precious");
    symlinkSync(target, join(dir, LOCK_FILE));
    const lock = acquireLock(dir);
    expect(lock.tookOverFrom).toBe("a symbolic link (not followed)");
    expect(readFileSync(target, "utf8")).toBe("precious");
    expect(lstatSync(join(dir, LOCK_FILE)).isSymbolicLink()).toBe(false);
    lock.release();
    expect(readFileSync(target, "utf8")).toBe("precious");
  });

  it("takes over a lock whose pid now belongs to another process (another start time) or another boot", () => {
    const parent = process.ppid; // alive, and not the process that wrote the lock below
    const realStart = procStartOf(parent);
    expect(realStart).toMatch(/^\d+$/);
    const bootId = realLockEnv.bootId();
    const write = (dir: string, fields: Partial<LockHolder>) =>
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: parent, host: hostname(), startedAt: "t", nonce: "x", bootId, ...fields }));

    const live = tempDir();
    write(live, { procStart: realStart });
    expect(() => acquireLock(live)).toThrow(/in use by another run/);

    const reused = tempDir();
    write(reused, { procStart: String(Number(realStart) + 1) });
    expect(acquireLock(reused).tookOverFrom).toBe(`pid ${parent} on ${hostname()}`);

    const rebooted = tempDir();
    write(rebooted, { procStart: realStart, bootId: "another-boot" });
    expect(acquireLock(rebooted).tookOverFrom).toBe(`pid ${parent} on ${hostname()}`);
  });

  it("records the holder's process start time and boot id", () => {
    const dir = tempDir();
    acquireLock(dir);
    expect(holderOf(dir)).toMatchObject({ pid: process.pid, procStart: procStartOf(process.pid), bootId: realLockEnv.bootId() });
  });

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
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["pipe", "pipe", "inherit"] }));
    const lines = children.map((child) => {
      const seen: string[] = [];
      const waiters: Array<() => void> = [];
      child.stdout!.on("data", (d: Buffer) => {
        seen.push(...d.toString().trim().split("\n"));
        waiters.splice(0).forEach((w) => w());
      });
      return (count: number) => new Promise<string[]>((done) => {
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
