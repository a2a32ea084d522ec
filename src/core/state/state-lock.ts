import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../platform/errors.js";

export const LOCK_FILE = "lock";

/** Who holds a lock: enough to tell a live holder from a dead one whose pid was reused. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat, field 22). */
  procStart?: string;
  /** The kernel's boot id (/proc/sys/kernel/random/boot_id): a reboot makes every pid new. */
  bootId?: string;
  /** Makes every lock's content unique, so a taker can tell "the lock I judged" from a new one. */
  nonce: string;
}

/** The outside world of the lock, injectable so tests can play two runs in one process. */
export interface LockEnv {
  self(): LockHolder;
  /** Whether a pid of this host runs, and its start time when it can be read. */
  probe(pid: number): { alive: boolean; procStart?: string };
  bootId(): string | undefined;
  /** Test hooks: called between judging a lock stale and claiming it, and between claim and replace. */
  beforeClaim?: () => void;
  beforeReplace?: () => void;
}

export const realLockEnv: LockEnv = {
  self: () => ({
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...definedOnly({ procStart: procStartOf(process.pid), bootId: readBootId() }),
    nonce: randomBytes(8).toString("hex"),
  }),
  probe(pid) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EPERM") return { alive: false };
    }
    return { alive: true, ...definedOnly({ procStart: procStartOf(pid) }) };
  },
  bootId: readBootId,
};

/**
 * An exclusive lock on the state folder, so two runs cannot interleave journals. The lock
 * is created exclusively (O_EXCL, which also never follows a symbolic link). A lock whose
 * holder is gone — a dead pid, a pid now used by another process (its start time differs),
 * another boot, another machine (restored from a cache) — is taken over, and the takeover
 * is arbitrated so exactly one of several runs starting together wins: a taker first
 * creates, exclusively, a claim file named after the stale lock's content; only the one
 * whose claim succeeded replaces the lock (rename, which replaces a link, never its
 * target), and only after checking that the lock is still the one it judged stale.
 */
export function acquireLock(dir: string, env: LockEnv = realLockEnv): { release(): void; tookOverFrom?: string } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const me = env.self();
  const mine = JSON.stringify(me);
  if (createExclusive(path, mine)) return lockHandle(path, me.nonce);
  const current = readLock(path);
  if (current === undefined) {
    // Released between our create and our read: try once more, as a fresh start.
    if (createExclusive(path, mine)) return lockHandle(path, me.nonce);
    throw inUse(dir, readLock(path)?.holder);
  }
  if (current.holder && isHeld(current.holder, me, env)) throw inUse(dir, current.holder);
  env.beforeClaim?.();
  const claim = join(dir, `${LOCK_FILE}.takeover-${current.digest}`);
  if (!createExclusive(claim, mine)) {
    // Another run is taking this same stale lock over right now: it wins. A claim left by
    // a taker that died in the microseconds between claim and rename is removed, once.
    const claimer = readLock(claim)?.holder;
    if (claimer && isHeld(claimer, me, env)) throw inUse(dir, claimer);
    rmSync(claim, { force: true });
    if (!createExclusive(claim, mine)) throw inUse(dir, readLock(claim)?.holder);
  }
  try {
    env.beforeReplace?.();
    // Still the lock we judged? (It may have been taken over and released meanwhile.)
    if (readLock(path)?.digest !== current.digest) throw inUse(dir, readLock(path)?.holder);
    const tmp = `${path}.${me.nonce}.tmp`;
    if (!createExclusive(tmp, mine)) throw new Error(`${tmp}: exists`);
    renameSync(tmp, path);
  } finally {
    rmSync(claim, { force: true });
  }
  const from = current.holder
    ? `pid ${current.holder.pid} on ${current.holder.host}`
    : current.symlink
      ? "a symbolic link (not followed)"
      : "an unreadable lock file";
  return { ...lockHandle(path, me.nonce), tookOverFrom: from };
}

function lockHandle(path: string, nonce: string): { release(): void } {
  return {
    release() {
      // Only our own lock: had it been taken over (wrongly judged stale), leave the other's.
      if (readLock(path)?.holder?.nonce === nonce) rmSync(path, { force: true });
    },
  };
}

/**
 * Whether the holder still runs: same host and boot, a live pid, the same process start.
 * A lock of our own pid is a leftover of this process (a run that did not release it).
 */
export function isHeld(holder: Partial<LockHolder>, me: LockHolder, env: LockEnv): boolean {
  if (holder.host !== me.host || typeof holder.pid !== "number" || holder.pid === me.pid) return false;
  const bootId = env.bootId();
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return false;
  const probe = env.probe(holder.pid);
  if (!probe.alive) return false;
  if (holder.procStart !== undefined && probe.procStart !== undefined && holder.procStart !== probe.procStart) return false;
  return true;
}

function inUse(dir: string, holder: Partial<LockHolder> | undefined): ConfigError {
  return new ConfigError(
    `state folder ${dir} is in use by another run (pid ${holder?.pid ?? "?"}); wait for it to finish, or use another --state-dir`,
  );
}

/** Creates a file only when nothing (not even a dangling link) is at path; false when something is. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface ReadLock {
  holder?: Partial<LockHolder>;
  /** Names this lock's exact content: a new lock at the same path has another. */
  digest: string;
  symlink: boolean;
}

/**
 * Who holds the folder's lock now, when a live process does (a run in progress); undefined
 * when there is no lock or its holder is gone. Reads only: status looks at a folder a run
 * may be using, and must not tell that run's state as "did not stop cleanly".
 */
export function liveLockHolder(dir: string, env: LockEnv = realLockEnv): Partial<LockHolder> | undefined {
  const holder = readLock(join(dir, LOCK_FILE))?.holder;
  return holder && isHeld(holder, env.self(), env) ? holder : undefined;
}

/** Reads a lock without following a link; undefined when there is none. */
function readLock(path: string): ReadLock | undefined {
  let content: string;
  let symlink = false;
  try {
    if (lstatSync(path).isSymbolicLink()) {
      symlink = true;
      content = "symlink:" + readlinkSync(path);
    } else {
      const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        content = readFileSync(fd, "utf8");
      } finally {
        closeSync(fd);
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 24);
  if (symlink) return { digest, symlink };
  let holder: Partial<LockHolder> | undefined;
  try {
    const parsed = JSON.parse(content) as unknown;
    if (typeof parsed === "object" && parsed !== null) holder = parsed as Partial<LockHolder>;
  } catch {
    holder = undefined;
  }
  return { holder, digest, symlink };
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
export function procStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[22 - 3];
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
