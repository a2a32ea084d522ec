/**
 * Malformed and hostile input through the built CLI, each with a clear result: item data
 * reaches the handler intact and is never executed; bad files and bad flags are rejected
 * with exit 2 and a message naming the file:line or the flag, before any work; every item
 * format; the time budget (exit 3, then resume); and the `status` / `failures` commands.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { tempDirsPerTest, countBy, nodeBinaries, prepareCli, readJson, readLines, runCli, writeFile, type FailuresJson } from "./helpers.js";

let cli: string;
beforeAll(() => {
  cli = prepareCli();
});
const newDir = tempDirsPerTest("rb-input-");

/**
 * A JS handler that records exactly what it was given, as one JSON line per attempt: the
 * environment variables and standard input (or just its size, for large items).
 */
const RECORDER = `
import { appendFileSync, readFileSync } from "node:fs";
const stdin = readFileSync(0, "utf8");
appendFileSync("seen.jsonl", JSON.stringify({
  id: process.env.ITEM_ID,
  attempt: process.env.ITEM_ATTEMPT,
  key: process.env.IDEMPOTENCY_KEY,
  json: process.env.ITEM_JSON ?? null,
  stdinOnly: process.env.ITEM_JSON_ON_STDIN_ONLY ?? null,
  stdinBytes: Buffer.byteLength(stdin),
  stdin: stdin.length <= 200000 ? stdin : null,
}) + "\\n");
`;

interface Seen {
  id: string;
  attempt: string;
  key: string;
  json: string | null;
  stdinOnly: string | null;
  stdinBytes: number;
  stdin: string | null;
}

function recorderDir(): string {
  const dir = newDir();
  writeFile(dir, "rec.mjs", RECORDER);
  return dir;
}
const recorder = () => `'${process.execPath}' rec.mjs`;
const seen = (dir: string): Seen[] => readLines(join(dir, "seen.jsonl")).map((l) => JSON.parse(l) as Seen);
const run = (dir: string, args: string[], env?: Record<string, string>) =>
  runCli(cli, ["run", "--run", recorder(), "--state-dir", "state", ...args], { cwd: dir, env });

describe("hostile item data reaches the handler intact and never executes", () => {
  const hostile = [
    { id: "$(touch pwned)", note: "$(touch pwned)" },
    { id: "`touch pwned`", note: "`touch pwned`" },
    { id: "x; rm -rf ./keep; touch pwned", note: "a && touch pwned || touch pwned" },
    { id: `it's "quoted" \\ back\\slash`, note: `'"'"'; touch pwned; echo '` },
    { id: "line one\nline two\r\n$(touch pwned)", note: "tab\there\nnewline" },
    { id: "$HOME ${PATH} %s %n", note: "> pwned" },
    { id: "ünïcödé ✓ 日本 🚀", note: "\u0000 nul and \u001b[31m escape" },
    { id: "-n", note: "--help" },
  ];

  it("through ITEM_ID, ITEM_JSON and stdin (JSON Lines)", async () => {
    const dir = recorderDir();
    writeFile(dir, "keep/file", "still here");
    writeFile(dir, "items.jsonl", hostile.map((h) => JSON.stringify(h)).join("\n") + "\n");
    const r = await run(dir, ["--items", "items.jsonl", "--concurrency", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const records = seen(dir);
    expect(records.map((s) => s.id).sort()).toEqual(hostile.map((h) => h.id).sort());
    for (const s of records) {
      const item = hostile.find((h) => h.id === s.id);
      expect(JSON.parse(s.json!)).toEqual(item);
      expect(JSON.parse(s.stdin!)).toEqual(item);
      expect(s.stdin).toBe(s.json + "\n");
    }
    expect(readdirSync(dir).filter((f) => f.includes("pwned"))).toEqual([]);
    expect(existsSync(join(dir, "keep", "file"))).toBe(true);
    // The state records the ids as they are, so a second run has nothing to do.
    const again = await run(dir, ["--items", "items.jsonl"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/8 done in earlier runs, 0 failed and held for retry-failures, 0 to do/);
  });

  it("through plain lines, where the line is the id", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.txt", 'alpha\n\n  spaced out  \n$(touch pwned)\n`touch pwned`; rm -rf .\n"quoted"\n');
    const r = await run(dir, ["--items", "items.txt"]);
    expect(r.code, r.stderr).toBe(0);
    const expected = ["alpha", "  spaced out  ", "$(touch pwned)", "`touch pwned`; rm -rf .", `"quoted"`];
    expect(seen(dir).map((s) => s.id)).toEqual(expected);
    expect(seen(dir).map((s) => JSON.parse(s.json!))).toEqual(expected);
    expect(readdirSync(dir).filter((f) => f.includes("pwned"))).toEqual([]);
  });

  it("failure output with metacharacters lands in failures.json as text", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", JSON.stringify({ id: "$(touch pwned)" }) + "\n");
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", `printf '%s\\n' "$ITEM_ID" >&2; exit 1`, "--state-dir", "state"], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(1);
    const [f] = readJson<FailuresJson>(join(dir, "state", "failures.json")).failures;
    expect(f).toMatchObject({ id: "$(touch pwned)", kind: "permanent", error: "exit code 1: $(touch pwned)" });
    expect(readdirSync(dir).filter((f) => f.includes("pwned"))).toEqual([]);
  });
});

describe("malformed input is rejected before any work, naming the file and line", () => {
  it("invalid UTF-8 → exit 2 with file:line", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", Buffer.concat([Buffer.from('{"id":"a"}\n{"id":"b"}\n{"id":"c'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
    const r = await run(dir, ["--items", "items.jsonl"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/items\.jsonl:3: not valid UTF-8/);
    expect(r.stderr).toMatch(/nothing was processed/);
    expect(seen(dir)).toEqual([]);
  });

  it("a malformed JSON line → exit 2 with file:line", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n{"id":"b",}\n{"id":"c"}\n{"id": "d"\n');
    const r = await run(dir, ["--items", "items.jsonl"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/items\.jsonl:2: not valid JSON/);
    expect(r.stderr).toMatch(/items\.jsonl:4: not valid JSON/);
    expect(r.stderr).toMatch(/2 problem\(s\)/);
    expect(seen(dir)).toEqual([]);
  });

  it("a missing id field → exit 2 naming the line and --id-field; --id-field picks another field", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", '{"id":"a","sku":"S1"}\n{"sku":"S2"}\n{"id":"c","sku":"S3"}\n');
    const r = await run(dir, ["--items", "items.jsonl"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/items\.jsonl:2: no 'id' field/);
    expect(r.stderr).toMatch(/--id-field/);
    expect(seen(dir)).toEqual([]);
    const bySku = await run(dir, ["--items", "items.jsonl", "--id-field", "sku"]);
    expect(bySku.code, bySku.stderr).toBe(0);
    expect(seen(dir).map((s) => s.id)).toEqual(["S1", "S2", "S3"]);
  });

  it("an empty file → exit 0 with a 'no items' warning", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", "");
    writeFile(dir, "items.json", "[]\n");
    for (const file of ["items.jsonl", "items.json"]) {
      const r = await run(dir, ["--items", file, "--state-dir", `state-${file}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`warning: ${file.replace(".", "\\.")} has no items`));
    }
    expect(seen(dir)).toEqual([]);
  });

  it("duplicate ids → a warning with line numbers; the first occurrence is processed once", async () => {
    const dir = recorderDir();
    writeFile(
      dir,
      "items.jsonl",
      ['{"id":"a","v":1}', '{"id":"b","v":2}', '{"id":"a","v":3}', '{"id":"c","v":4}', '{"id":"b","v":5}'].join("\n") + "\n",
    );
    const r = await run(dir, ["--items", "items.jsonl"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 duplicate id\(s\) skipped/);
    expect(r.stderr).toMatch(/items\.jsonl:3: id "a" already on line 1/);
    expect(r.stderr).toMatch(/items\.jsonl:5: id "b" already on line 2/);
    expect(seen(dir).map((s) => [s.id, JSON.parse(s.json!).v])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 4],
    ]);
  });
});

describe("item formats", () => {
  it("CSV with a header, quoted commas, quotes and newlines; duplicates name the record's first line", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.csv", 'id,name,note\n1,"Smith, J","line one\nline two"\n2,plain,"say ""hi"", then $(touch pwned)"\n1,again,dup\n');
    const r = await run(dir, ["--items", "items.csv"]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(dir).map((s) => JSON.parse(s.json!))).toEqual([
      { id: "1", name: "Smith, J", note: "line one\nline two" },
      { id: "2", name: "plain", note: 'say "hi", then $(touch pwned)' },
    ]);
    // Record "1" starts on line 2 (and ends on line 3); the duplicate is on line 5.
    expect(r.stderr).toMatch(/items\.csv:5: id "1" already on line 2/);
    expect(readdirSync(dir).filter((f) => f.includes("pwned"))).toEqual([]);
  });

  it("a JSON array over several lines, with brackets inside strings and numeric ids", async () => {
    const dir = recorderDir();
    const items = [
      { id: "a", tags: ["x", "]", "[,"], nested: { k: "},{" } },
      { id: 42, v: null },
    ];
    writeFile(dir, "items.json", "[\n  " + items.map((i) => JSON.stringify(i, null, 2)).join(",\n  ") + "\n]\n");
    const r = await run(dir, ["--items", "items.json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(dir).map((s) => [s.id, JSON.parse(s.json!)])).toEqual([
      ["a", items[0]],
      ["42", items[1]],
    ]);
  });

  it("--items-format overrides the extension", async () => {
    const dir = recorderDir();
    writeFile(dir, "items.data", '{"id":"x1"}\n{"id":"x2"}\n');
    const r = await run(dir, ["--items", "items.data", "--items-format", "jsonl"]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(dir).map((s) => s.id)).toEqual(["x1", "x2"]);
  });

  it("--items-command: items from a command's output; a failing command is exit 2 with its stderr", async () => {
    const dir = recorderDir();
    const r = await run(dir, ["--items-command", `for i in 1 2 3; do printf '{"id":"c%s","n":%s}\\n' $i $i; done`]);
    expect(r.code, r.stderr).toBe(0);
    expect(seen(dir).map((s) => JSON.parse(s.json!))).toEqual([
      { id: "c1", n: 1 },
      { id: "c2", n: 2 },
      { id: "c3", n: 3 },
    ]);
    const bad = await run(dir, ["--items-command", "echo 'the API is down' >&2; exit 3", "--state-dir", "state2"]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/--items-command: the command exited with 3/);
    expect(bad.stderr).toMatch(/the API is down/);
  });

  it("a 10 MB item reaches the command on stdin only (ITEM_JSON is omitted above 100 kB)", async () => {
    const dir = recorderDir();
    const big = { id: "big", blob: "x".repeat(10 * 1024 * 1024) };
    const medium = { id: "medium", blob: "y".repeat(50_000) };
    writeFile(dir, "items.jsonl", JSON.stringify(medium) + "\n" + JSON.stringify(big) + "\n");
    const r = await run(dir, ["--items", "items.jsonl"]);
    expect(r.code, r.stderr).toBe(0);
    const [m, b] = seen(dir);
    expect(m).toMatchObject({ id: "medium", stdinOnly: null, stdinBytes: JSON.stringify(medium).length + 1 });
    expect(JSON.parse(m!.json!)).toEqual(medium);
    expect(b).toMatchObject({ id: "big", json: null, stdinOnly: "1", stdinBytes: JSON.stringify(big).length + 1 });
  });
});

describe("bad flags are exit 2 with a message naming the flag, before any work", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--items", "items.jsonl", "--concurrency", "0"], /--concurrency: '0' must be a whole number/],
    [["--items", "items.jsonl", "--backoff", "10"], /--backoff: '10' has no unit/],
    [["--items", "items.jsonl", "--max-attempts", "x"], /--max-attempts: 'x' must be a whole number/],
    [["--items", "items.jsonl", "--time-budget", "soon"], /--time-budget: 'soon' is not a duration/],
    [["--items", "items.jsonl", "--item-timeout", "0s"], /--item-timeout: must be longer than 0/],
    [["--items", "items.jsonl", "--transient-exit-codes", "75,abc"], /--transient-exit-codes: 'abc'/],
    [["--items", "items.jsonl", "--items-format", "xml"], /--items-format: 'xml' is not one of/],
    [["--items", "items.jsonl", "--bogus", "1"], /unknown option '--bogus'/],
    [["--items", "items.jsonl", "--items-command", "cat items.jsonl"], /--items or --items-command, not both/],
    [["--items", "missing.jsonl"], /--items: missing\.jsonl does not exist/],
    [[], /--items \(a file\) or --items-command/],
  ];
  it.each(cases)("%j", async (args, message) => {
    const dir = recorderDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n');
    const r = await run(dir, args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(seen(dir)).toEqual([]);
  });

  it("no handler, two handlers, a missing module", async () => {
    const dir = newDir();
    writeFile(dir, "items.jsonl", '{"id":"a"}\n');
    const none = await runCli(cli, ["run", "--items", "items.jsonl"], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/a handler is required: --run .* --module .* --worker/);
    const two = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "true", "--module", "h.mjs"], { cwd: dir });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/give one handler, not --run and --module/);
    const missing = await runCli(cli, ["run", "--items", "items.jsonl", "--module", "nope.mjs"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--module: nope\.mjs does not exist/);
  });
});

describe("--time-budget", () => {
  it("stops with exit 3 and items left, uses the budget, and the next run resumes", async () => {
    const dir = newDir();
    const ids = Array.from({ length: 60 }, (_, i) => `t${i + 1}`);
    writeFile(dir, "items.txt", ids.join("\n") + "\n");
    // The default --shutdown-grace (5s) is longer than this budget: a budget that short
    // must still be spent on items, not on waiting.
    const args = ["run", "--items", "items.txt", "--run", `sleep 0.1; printf '%s\\n' "$ITEM_ID" >> done.log`, "--state-dir", "state"];
    const startedAt = Date.now();
    const r1 = await runCli(cli, [...args, "--time-budget", "4s"], { cwd: dir });
    const tookMs = Date.now() - startedAt;
    expect(r1.code, r1.stderr).toBe(3);
    expect(r1.stderr).toMatch(/stopped: the time budget ran low\. Run again to resume \(exit 3\)/);
    // The budget counts from the engine's start; node's own start-up comes on top.
    expect(tookMs).toBeLessThan(6000);
    const first = readLines(join(dir, "done.log"));
    // 4s minus the CLI's 1s reserve leaves about 3s: at ~0.1s an item, well over 10.
    expect(first.length).toBeGreaterThanOrEqual(10);
    expect(first.length).toBeLessThan(ids.length);
    expect(r1.stderr).toMatch(new RegExp(`${first.length}/60 done overall, ${60 - first.length} left`));

    const r2 = await runCli(cli, [...args, "--concurrency", "8"], { cwd: dir });
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(new RegExp(`${first.length} done in earlier runs`));
    expect([...countBy(readLines(join(dir, "done.log"))).values()].every((n) => n === 1)).toBe(true);
    expect(readLines(join(dir, "done.log")).sort()).toEqual([...ids].sort());
  });
});

describe("a plain run prints no runtime warnings", () => {
  it.each(nodeBinaries())("at --concurrency 8, with and without --item-timeout, on Node $version", async ({ path }) => {
    const dir = newDir();
    writeFile(dir, "items.txt", Array.from({ length: 40 }, (_, i) => `w${i}`).join("\n") + "\n");
    for (const extra of [[], ["--item-timeout", "10s"]]) {
      const r = await runCli(
        cli,
        ["run", "--items", "items.txt", "--run", "sleep 0.05", "--concurrency", "8", "--state-dir", `state${extra.length}`, ...extra],
        { cwd: dir, node: path },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/Warning|MaxListeners/);
    }
  });
});

describe("status and failures", () => {
  async function stateWithFailures(): Promise<string> {
    const dir = newDir();
    writeFile(dir, "items.jsonl", ['{"id":"ok-1"}', '{"id":"bad-price","price":"abc"}', '{"id":"busy"}', '{"id":"ok-2"}'].join("\n") + "\n");
    writeFile(
      dir,
      "h.sh",
      [
        `case "$ITEM_ID" in`,
        `  bad-price) echo 'price "abc" is not a number, see row 2' >&2; exit 1;;`,
        `  busy) echo "503 from upstream" >&2; exit 75;;`,
        `esac`,
      ].join("\n") + "\n",
    );
    const r = await runCli(cli, ["run", "--items", "items.jsonl", "--run", "sh h.sh", "--max-attempts", "2", "--backoff", "10ms"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    return dir;
  }

  it("status: text and --json (default state folder)", async () => {
    const dir = await stateWithFailures();
    const text = await runCli(cli, ["status"], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/done:\s+2 of 4/);
    expect(text.stdout).toMatch(/failed:\s+2 \((1 permanent, 1 transient|1 transient, 1 permanent)\)/);
    expect(text.stdout).toMatch(/last run:\s+run .* 2 succeeded, 2 failed, complete/);
    const json = JSON.parse((await runCli(cli, ["status", "--json"], { cwd: dir })).stdout);
    expect(json).toMatchObject({ done: 2, failed: 2, total: 4, remaining: 1, failedByKind: { permanent: 1, transient: 1 } });

    const empty = newDir();
    // A folder that holds no state is a mistake (a typo in --state-dir), never an empty status.
    const none = await runCli(cli, ["status", "--state-dir", "nothing-here"], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no state in .*nothing-here/);
  });

  it("failures --format json | csv | markdown", async () => {
    const dir = await stateWithFailures();
    const file = readJson<FailuresJson>(join(dir, ".resumable-batch", "failures.json"));

    const json = await runCli(cli, ["failures"], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).failures).toEqual(file.failures);
    expect(JSON.parse((await runCli(cli, ["failures", "--format", "json"], { cwd: dir })).stdout).failures).toEqual(file.failures);

    const csv = await runCli(cli, ["failures", "--format", "csv"], { cwd: dir });
    expect(csv.code).toBe(0);
    const rows = parseCsv(csv.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(["id", "kind", "attempts", "firstFailedAt", "lastFailedAt", "error", "item"]);
    const bad = rows.find((row) => row.id === "bad-price")!;
    expect(bad).toMatchObject({ kind: "permanent", attempts: "1" });
    expect(bad.error).toContain('price "abc" is not a number, see row 2');
    expect(JSON.parse(bad.item!)).toEqual({ id: "bad-price", price: "abc" });
    expect(rows.find((row) => row.id === "busy")).toMatchObject({ kind: "transient", attempts: "2" });

    const md = await runCli(cli, ["failures", "--format", "markdown"], { cwd: dir });
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/\| `bad-price` \| permanent \| 1 \|/);
    expect(md.stdout).toMatch(/\| `busy` \| transient \| 2 \|/);

    const wrong = await runCli(cli, ["failures", "--format", "xml"], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--format/);

    const clean = newDir();
    const noState = await runCli(cli, ["failures", "--format", "markdown"], { cwd: clean });
    expect(noState.code).toBe(2);
    expect(noState.stderr).toMatch(/no state in /);
  });
});
