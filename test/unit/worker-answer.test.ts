/** parseAnswer: only a line naming the request in flight is its answer. */
import { describe, expect, it } from "vitest";
import { parseAnswer } from "../../src/core/handlers/worker-handler.js";

describe("parseAnswer", () => {
  it("takes an answer naming the item in flight", () => {
    expect(parseAnswer('{"id":"a","ok":true}', "a")).toEqual({ type: "answer", result: { ok: true } });
    expect(parseAnswer('  {"ok":false,"id":"a","error":"HTTP 503","transient":true,"retryAfterMs":2000}  ', "a")).toEqual({
      type: "answer",
      result: { ok: false, kind: "transient", error: "HTTP 503", retryAfterMs: 2000, throttled: true },
    });
    expect(parseAnswer('{"id":"a","ok":false}', "a")).toMatchObject({
      result: { kind: "permanent", error: "the worker reported a failure without a message" },
    });
    expect(parseAnswer('{"id":"a","ok":true,"result":{"n":1}}', "a", true)).toEqual({ type: "answer", result: { ok: true, result: { n: 1 } } });
    expect(parseAnswer('{"id":"a","ok":true,"result":{"n":1}}', "a", false)).toEqual({ type: "answer", result: { ok: true } });
  });

  it("takes a line without an id as log output, marking what looks like a first-protocol answer", () => {
    expect(parseAnswer('{"ok":true,"channel":"C123"}', "a")).toEqual({ type: "log", unnamed: true });
    expect(parseAnswer("working on a", "a")).toEqual({ type: "log" });
    expect(parseAnswer('{"id":"a","msg":"no ok field"}', "a")).toEqual({ type: "log" });
    expect(parseAnswer("[1,2]", "a")).toEqual({ type: "log" });
    expect(parseAnswer("{not json", "a")).toEqual({ type: "log" });
    expect(parseAnswer("null", "a")).toEqual({ type: "log" });
  });

  it("calls an answer for another id (or none in flight, or a non-string id) a protocol error", () => {
    expect(parseAnswer('{"id":"b","ok":true}', "a")).toEqual({ type: "other-id", id: "b" });
    expect(parseAnswer('{"id":"a","ok":true}', undefined)).toEqual({ type: "other-id", id: "a" });
    expect(parseAnswer('{"id":17,"ok":true}', "17")).toEqual({ type: "other-id", id: "17" });
  });
});
