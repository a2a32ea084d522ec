import { describe, expect, it } from "vitest";
import { classifyError, parseRetryAfter, PermanentError, TransientError } from "../../src/core/platform/errors.js";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const httpError = (status: number, headers?: unknown) => Object.assign(new Error(`HTTP ${status}`), { status, response: { status, headers } });

describe("classifyError", () => {
  it("retries HTTP 408, 429 and 5xx; other 4xx are permanent", () => {
    for (const s of [408, 429, 500, 502, 503, 504]) expect(classifyError(httpError(s), NOW).kind).toBe("transient");
    for (const s of [400, 401, 403, 404, 409, 422]) expect(classifyError(httpError(s), NOW).kind).toBe("permanent");
  });

  it("reads the status from statusCode and response.status too", () => {
    expect(classifyError({ statusCode: 503, message: "x" }, NOW).kind).toBe("transient");
    expect(classifyError({ response: { status: 404 } }, NOW).kind).toBe("permanent");
  });

  it("retries network errors, also when wrapped in fetch's TypeError", () => {
    expect(classifyError(Object.assign(new Error("reset"), { code: "ECONNRESET" }), NOW).kind).toBe("transient");
    const fetchFailed = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "UND_ERR_CONNECT_TIMEOUT" }) });
    expect(classifyError(fetchFailed, NOW).kind).toBe("transient");
    expect(classifyError(Object.assign(new Error("nope"), { code: "ENOENT" }), NOW).kind).toBe("permanent");
  });

  it("honours explicit marks over everything else", () => {
    expect(classifyError(new TransientError("later"), NOW).kind).toBe("transient");
    expect(classifyError(new PermanentError("bad data"), NOW).kind).toBe("permanent");
    expect(classifyError(Object.assign(httpError(503), { permanent: true }), NOW).kind).toBe("permanent");
    expect(classifyError(Object.assign(new Error("x"), { transient: true }), NOW).kind).toBe("transient");
  });

  it("treats a plain bug as permanent: retrying a TypeError only burns the budget", () => {
    expect(classifyError(new TypeError("cannot read properties of undefined"), NOW).kind).toBe("permanent");
    expect(classifyError("a string", NOW)).toEqual({ kind: "permanent", message: "a string" });
  });

  it("takes Retry-After from a Headers object, a plain object, or retryAfterMs", () => {
    expect(classifyError(httpError(429, new Headers({ "retry-after": "7" })), NOW)).toMatchObject({ retryAfterMs: 7000, throttled: true });
    expect(classifyError(httpError(503, { "Retry-After": "2" }), NOW).retryAfterMs).toBe(2000);
    expect(classifyError(new TransientError("slow down", { retryAfterMs: 1234 }), NOW).retryAfterMs).toBe(1234);
    expect(classifyError(httpError(404, { "retry-after": "9" }), NOW).retryAfterMs).toBeUndefined();
  });

  it("caps very long messages", () => {
    expect(classifyError(new Error("x".repeat(10_000)), NOW).message.length).toBeLessThan(2100);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates, rejects junk", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 12:00:30 GMT", NOW)).toBe(30_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 11:00:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});
