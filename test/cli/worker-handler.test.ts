/**
 * `--worker 'python3 worker.py'` through the built CLI: a long-lived process per lane
 * answers one JSON line per request line. Success, permanent and transient failures, a
 * worker that dies mid-item (restarted, the item retried), timeouts, and SIGINT.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import {
  tempDirsPerTest,
  countBy,
  isRunning,
  prepareCli,
  readJson,
  readLines,
  runCli,
  startCli,
  waitUntil,
  writeFile,
  type FailuresJson,
} from "./helpers.js";

const hasPython = (() => {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-worker-");

/**
 * The worker: logs each request with its own pid, behaves as the item's `kind` says, and
 * prints a stray log line before each answer (the protocol skips non-answer lines). Its
 * answers name the request's id.
 */
const WORKER = `
import json, os, signal, sys, time

pid = os.getpid()
with open("worker-pids.log", "a") as f:
    f.write(f"{pid}\\n")

def log(record):
    with open("requests.jsonl", "a") as f:
        f.write(json.dumps(record) + "\\n")

for line in sys.stdin:
    req = json.loads(line)
    item = req["item"]
    kind = item.get("kind", "ok")
    log({"pid": pid, "id": req["id"], "attempt": req["attempt"], "key": req["idempotencyKey"], "item": item})
    if kind == "slow":
        time.sleep(0.3)
    if kind == "hang-ignoring-term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if kind.startswith("hang"):
        time.sleep(60)
    if kind == "die" and req["attempt"] < 2:
        os._exit(3)
    print(f"working on {req['id']}", flush=True)
    if kind == "api-log":
        # A JSON API response the worker logs: it has "ok" but names no request.
        print(json.dumps({"ok": True, "channel": "C123"}), flush=True)
    if kind == "wrong-id" and req["attempt"] < 2:
        print(json.dumps({"id": "someone-else", "ok": True}), flush=True)
        time.sleep(60)
    if kind in ("fail", "api-log"):
        answer = {"ok": False, "error": "bad record: " + item.get("why", "api said no")}
    elif kind == "flaky" and req["attempt"] < 2:
        answer = {"ok": False, "error": "upstream busy", "transient": True}
    else:
        with open("done.log", "a") as f:
            f.write(req["id"] + "\\n")
        answer = {"ok": True}
    answer["id"] = req["id"]
    print(json.dumps(answer), flush=True)
`;

interface Request {
  pid: number;
  id: string;
  attempt: number;
  key: string;
  item: Record<string, unknown>;
}

function setup(items: Array<Record<string, unknown>>): string {
  const dir = newDir();
  writeFile(dir, "worker.py", WORKER);
  writeFile(dir, "items.jsonl", items.map((i) => JSON.stringify(i)).join("\n") + "\n");
  return dir;
}
const requests = (dir: string, id?: string): Request[] =>
  readLines(join(dir, "requests.jsonl"))
    .map((l) => JSON.parse(l) as Request)
    .filter((r) => id === undefined || r.id === id);
const workerPids = (dir: string) => readLines(join(dir, "worker-pids.log")).map(Number);

describe.skipIf(!hasPython)("--worker (python3)", () => {
  it("answers success and failures; a worker that dies mid-item is restarted and the item retried", async () => {
    const items = [
      ...Array.from({ length: 8 }, (_, i) => ({ id: `ok-${i + 1}`, kind: "ok", n: i })),
      { id: "bad", kind: "fail", why: "price 'abc' is not a number" },
      { id: "flaky", kind: "flaky" },
      { id: "dies", kind: "die" },
    ];
    const dir = setup(items);
    const r = await runCli(
      cli,
      ["run", "--items", "items.jsonl", "--worker", "python3 worker.py", "--concurrency", "2", "--backoff", "10ms", "--state-dir", "state"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(readLines(join(dir, "done.log")).sort()).toEqual([...items.filter((i) => i.kind !== "fail").map((i) => i.id)].sort());
    // Requests carry the protocol's fields.
    const first = requests(dir, "ok-1")[0]!;
    expect(first).toMatchObject({ id: "ok-1", attempt: 1, item: items[0] });
    expect(first.key).toMatch(/^[0-9a-f]{32}$/);

    expect(requests(dir, "flaky").map((q) => q.attempt)).toEqual([1, 2]);
    expect(r.stderr).toMatch(/↻ flaky: attempt 1 failed \(transient\): upstream busy/);
    const dies = requests(dir, "dies");
    expect(dies.map((q) => q.attempt)).toEqual([1, 2]);
    expect(dies[1]!.pid).not.toBe(dies[0]!.pid);
    expect(dies[1]!.key).toBe(dies[0]!.key);
    expect(r.stderr).toMatch(/↻ dies: attempt 1 failed \(transient\): the worker exited \(exit code 3\)/);

    // Long-lived: two lanes, one restart — not a process per item.
    const pids = workerPids(dir);
    expect(pids.length).toBeLessThanOrEqual(3);
    expect(requests(dir).length).toBeGreaterThan(pids.length * 3);
    // And none outlives the run.
    for (const pid of pids) expect(isRunning(pid)).toBe(false);

    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      id: "bad",
      kind: "permanent",
      attempts: 1,
      error: "bad record: price 'abc' is not a number",
      item: items[8],
    });
  });

  it("workers start while the items are checked; bad input (exit 2) still leaves none running", async () => {
    const dir = setup([{ id: "a", kind: "ok" }]);
    writeFile(dir, "items.jsonl", '{"id":"a"}\n{"id":\n');
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--worker", "python3 worker.py", "--concurrency", "2", "--state-dir", "state"], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/items\.jsonl:2: not valid JSON/);
    // Both lanes' workers were started ahead of the first item, and shut down with the run.
    await waitUntil(() => workerPids(dir).length === 2, "both workers to have started", 5000);
    for (const pid of workerPids(dir)) await waitUntil(() => !isRunning(pid), `worker ${pid} to exit`, 5000);
    expect(requests(dir)).toEqual([]);
  });

  it("--item-timeout kills a hanging worker (kind timeout) and a fresh one takes the next item", async () => {
    const dir = setup([
      { id: "hangs", kind: "hang" },
      { id: "after", kind: "ok" },
    ]);
    const startedAt = Date.now();
    // The timeout covers starting a fresh worker too: leave room for python3 on a busy box.
    const r = await runCli(
      cli,
      ["run", "--items", "items.jsonl", "--worker", "python3 worker.py", "--item-timeout", "2s", "--max-attempts", "1", "--state-dir", "state"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures.map((f) => [f.id, f.kind])).toEqual([["hangs", "timeout"]]);
    expect(readLines(join(dir, "done.log"))).toEqual(["after"]);
    const [hangPid, afterPid] = [requests(dir, "hangs")[0]!.pid, requests(dir, "after")[0]!.pid];
    expect(afterPid).not.toBe(hangPid);
    for (const pid of workerPids(dir)) expect(isRunning(pid)).toBe(false);
  });

  it("SIGINT: in-flight items finish inside the grace, workers stop, exit 130; the next run finishes without repeats", async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `slow-${i + 1}`);
    const dir = setup(ids.map((id) => ({ id, kind: "slow" })));
    const args = [
      "run",
      "--items",
      "items.jsonl",
      "--worker",
      "python3 worker.py",
      "--concurrency",
      "2",
      "--shutdown-grace",
      "5s",
      "--state-dir",
      "state",
    ];
    const run = startCli(cli, args, { cwd: dir });
    await waitUntil(() => readLines(join(dir, "done.log")).length >= 4, "4 items done");
    const sigintAt = Date.now();
    run.child.kill("SIGINT");
    const r1 = await run.done;
    expect(r1.code, r1.stderr).toBe(130);
    expect(Date.now() - sigintAt).toBeLessThan(7500);
    const doneInRun1 = readLines(join(dir, "done.log"));
    expect(doneInRun1.length).toBeLessThan(ids.length);
    for (const pid of workerPids(dir)) expect(isRunning(pid)).toBe(false);
    const status = JSON.parse((await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir })).stdout);
    expect(status.done).toBe(doneInRun1.length);

    const r2 = await runCli(cli, args, { cwd: dir });
    expect(r2.code, r2.stderr).toBe(0);
    const counts = countBy(readLines(join(dir, "done.log")));
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("SIGINT with hanging workers, one ignoring SIGTERM: killed after the grace, exit 130 in time", async () => {
    const dir = setup([
      { id: "hangs", kind: "hang" },
      { id: "hangs-ignoring-term", kind: "hang-ignoring-term" },
    ]);
    const run = startCli(
      cli,
      ["run", "--items", "items.jsonl", "--worker", "python3 worker.py", "--concurrency", "2", "--shutdown-grace", "500ms", "--state-dir", "state"],
      { cwd: dir },
    );
    await waitUntil(() => requests(dir).length === 2, "the workers got the items");
    const sigintAt = Date.now();
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - sigintAt).toBeLessThan(4000);
    await waitUntil(() => workerPids(dir).every((pid) => !isRunning(pid)), "the worker gone", 1000).catch(() => {});
    for (const pid of workerPids(dir)) expect(isRunning(pid)).toBe(false);
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
  });
  it('answers name the request: a logged {"ok":true} without the id is log output, an answer for another id restarts the worker', async () => {
    const dir = setup([
      { id: "a", kind: "ok" },
      { id: "api", kind: "api-log" },
      { id: "wrong", kind: "wrong-id" },
      { id: "b", kind: "ok" },
    ]);
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--worker", "python3 worker.py", "--backoff", "10ms", "--state-dir", "state"], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(1);
    // The API response the worker logged was not taken as the item's outcome.
    const { failures } = readJson<FailuresJson>(join(dir, "state", "failures.json"));
    expect(failures.map((f) => [f.id, f.error])).toEqual([["api", "bad record: api said no"]]);
    expect(r.stderr).toMatch(/the worker printed a line with "ok" but without the request's "id": taken as log output/);
    // The answer for another id was a protocol error: a fresh worker retried the item.
    expect(r.stderr).toMatch(
      /↻ wrong: attempt 1 failed \(transient\): protocol error: the worker answered for id "someone-else" while "wrong" was in flight/,
    );
    const tries = requests(dir, "wrong");
    expect(tries.map((q) => q.attempt)).toEqual([1, 2]);
    expect(tries[1]!.pid).not.toBe(tries[0]!.pid);
    expect(readLines(join(dir, "done.log")).sort()).toEqual(["a", "b", "wrong"]);
    for (const pid of workerPids(dir)) expect(isRunning(pid)).toBe(false);
  });

  it("a worker that dies 3 times in a row before any answer stops the run: exit 2, no item failed", async () => {
    const dir = setup(Array.from({ length: 20 }, (_, i) => ({ id: `i-${i}`, kind: "ok" })));
    writeFile(dir, "worker.py", "import sys\nprint('ImportError: no module named requests', file=sys.stderr)\nsys.exit(1)\n");
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--worker", "python3 worker.py", "--backoff", "10ms", "--state-dir", "state"], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /error: --worker 'python3 worker\.py' died 3 times in a row without answering any item \(last: the worker exited \(exit code 1\): ImportError: no module named requests\).*no item was marked failed/s,
    );
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
    const status = JSON.parse((await runCli(cli, ["status", "--json", "--state-dir", "state"], { cwd: dir })).stdout);
    expect(status.done).toBe(0);
  });

  it("a worker script without its execute bit stops the run at once with the fix", async () => {
    const dir = setup([
      { id: "a", kind: "ok" },
      { id: "b", kind: "ok" },
    ]);
    writeFile(dir, "worker.sh", "#!/bin/sh\nexec python3 worker.py\n");
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--worker", "./worker.sh", "--state-dir", "state"], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /--worker '\.\/worker\.sh' cannot run \(exit code 126.*\.\/worker\.sh is not executable: run `chmod \+x \.\/worker\.sh`/,
    );
    expect(readJson<FailuresJson>(join(dir, "state", "failures.json")).failures).toEqual([]);
  });
});
