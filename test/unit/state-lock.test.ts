import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
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

const staleLock = (dir: string) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: "t", nonce: "old" }));
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
    const a = acquireLock(
      dir,
      contender(1, alive, {
        beforeReplace: () => {
          try {
            acquireLock(dir, contender(2, alive));
          } catch (error) {
            bError = error;
          }
        },
      }),
    );
    expect(a.tookOverFrom).toMatch(/pid 999999999/);
    expect(String(bError)).toMatch(/in use by another run \(pid 1\)/);
    expect(holderOf(dir).pid).toBe(1);
  });

  it("takes over a lock whose holder left a claim and died before replacing it", () => {
    const dir = tempDir();
    staleLock(dir);
    const alive = new Set([1, 3]);
    // Contender 3 claims, then "dies" (the test drops it from the living) before it replaces.
    expect(() =>
      acquireLock(
        dir,
        contender(3, alive, {
          beforeReplace: () => {
            alive.delete(3);
            throw new Error("killed");
          },
        }),
      ),
    ).toThrow("killed");
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
});
