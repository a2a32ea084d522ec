import { describe, expect, it } from "vitest";
import { stdoutResult } from "../../src/core/handlers/command/command-handler.js";
import { OutputHead } from "../../src/core/handlers/command/output-tail.js";
import { createModuleHandler } from "../../src/core/handlers/module-handler.js";
import type { AttemptContext } from "../../src/core/handlers/handler.js";

const ctx = {
  id: "a",
  attempt: 1,
  idempotencyKey: "k",
  signal: new AbortController().signal,
  stopping: new AbortController().signal,
} as AttemptContext;
const item = { id: "a", data: { id: "a" }, line: 1 };

describe("a module's result", () => {
  it("is its return value with --results", async () => {
    const handler = createModuleHandler(
      async () => ({ rows: 3 }),
      () => 0,
      true,
    );
    expect(await handler.run(item, ctx)).toEqual({ ok: true, result: { rows: 3 } });
  });
  it("is none when it returns undefined", async () => {
    const handler = createModuleHandler(
      async () => undefined,
      () => 0,
      true,
    );
    expect(await handler.run(item, ctx)).toEqual({ ok: true });
  });
  it("is not kept without --results", async () => {
    const handler = createModuleHandler(
      () => "ignored",
      () => 0,
    );
    expect(await handler.run(item, ctx)).toEqual({ ok: true });
  });
});

describe("a command's result (its standard output)", () => {
  it("is parsed as JSON when it is JSON, after trimming", () => {
    expect(stdoutResult(Buffer.from('  {"a":[1,2]}\n\n'), false, 100)).toEqual({ ok: true, result: { a: [1, 2] } });
    expect(stdoutResult(Buffer.from("42\n"), false, 100)).toEqual({ ok: true, result: 42 });
  });
  it("is kept as text otherwise, and empty output is no result", () => {
    expect(stdoutResult(Buffer.from("synced user 17\n"), false, 100)).toEqual({ ok: true, result: "synced user 17" });
    expect(stdoutResult(Buffer.from(" \n"), false, 100)).toEqual({ ok: true });
  });
  it("fails the item when the output went past the cap, rather than cutting it", () => {
    expect(stdoutResult(Buffer.from("x"), true, 65536)).toMatchObject({
      ok: false,
      kind: "permanent",
      exitCode: 0,
      error: expect.stringContaining("standard output is over max-result-size 64 KiB (a command's result is its standard output: log to stderr"),
    });
  });
  it("keeps only the head of the output, and says when there was more", () => {
    const head = new OutputHead(5);
    head.push(Buffer.from("abc"));
    head.push(Buffer.from("de"));
    expect([head.value().toString(), head.overflow]).toEqual(["abcde", false]);
    head.push(Buffer.from("f"));
    expect([head.value().toString(), head.overflow]).toEqual(["abcde", true]);
  });
});
