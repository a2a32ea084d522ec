import { describe, it, expect } from "vitest";
import { groupFailures, normaliseCause, MAX_CAUSE_LENGTH } from "../../src/core/state/failure-groups.js";
import type { FailureKind, FailureRecord } from "../../src/core/platform/types.js";

function failure(id: string, error: string, over: Partial<FailureRecord> = {}): FailureRecord {
  return {
    id,
    error,
    kind: "permanent",
    attempts: 1,
    runs: 1,
    firstFailedAt: "2024-05-01T10:00:00.000Z",
    lastFailedAt: "2024-05-01T10:00:00.000Z",
    item: { id },
    ...over,
  };
}

describe("normaliseCause", () => {
  it.each([
    ["HTTP 404 for /users/17", "HTTP 404 for /users/<n>"],
    ["timed out after 30000ms (1.5s)", "timed out after <n>ms (<n>s)"],
    ["item-00042 failed on attempt 3", "item-<n> failed on attempt <n>"],
    ["user 123e4567-e89b-12d3-a456-426614174000 missing", "user <uuid> missing"],
    ["request id 4f3a9c2e1b7d failed", "request id <hex> failed"],
    ["bad pointer 0xDEADBEEF", "bad pointer <hex>"],
    ["mail to bob.smith+x@example.co.uk bounced", "mail to <email> bounced"],
    ["at 2024-05-01T12:34:56.789Z and on 2024-05-02", "at <time> and on <time>"],
    ["connect ECONNREFUSED 10.0.0.12:5432", "connect ECONNREFUSED <ip>:<n>"],
    [`Cannot find module 'lodash' from "/app/x.js"`, `Cannot find module "<…>" from "<…>"`],
    ["unknown column `email_address`", `unknown column "<…>"`],
    ["can't open the user's file", "can't open the user's file"],
    ["Unexpected token } in JSON at position 17", "Unexpected token } in JSON at position <n>"],
    ["sha256 mismatch in v2 utf8 payload order12345", "sha256 mismatch in v2 utf8 payload order<n>"],
    ["line one\n\n  line two\t\tthree", "line one line two three"],
    ["\x1b[31mred\x1b[0m error", "red error"],
    ["", "(no message)"],
    ["   ", "(no message)"],
  ])("%j -> %j", (input, expected) => {
    expect(normaliseCause(input)).toBe(expected);
  });

  it("keeps status and exit codes, which tell causes apart", () => {
    expect(normaliseCause("HTTP 404 for /users/17")).toBe(normaliseCause("HTTP 404 for /users/912"));
    expect(normaliseCause("HTTP 404 for /users/17")).not.toBe(normaliseCause("HTTP 500 for /users/17"));
    expect(normaliseCause("Process exited with code 2")).toBe("Process exited with code 2");
    expect(normaliseCause("exit code 75")).not.toBe(normaliseCause("exit code 1"));
    expect(normaliseCause("status: 503 after 12 tries")).toBe("status: 503 after <n> tries");
    expect(normaliseCause("GET /x returned HTTP/1.1 429")).toBe("GET /x returned HTTP/1.1 429");
  });

  it("folds a URL's variable path segments and query values but keeps its shape", () => {
    expect(normaliseCause("GET https://api.example.com/v2/users/17/posts?page=3&q=bob#frag failed")).toBe(
      "GET https://api.example.com/v2/users/<n>/posts?page=<…>&q=<…>#<…> failed",
    );
    expect(normaliseCause("fetch https://api.example.com/items/123e4567-e89b-12d3-a456-426614174000")).toBe(
      "fetch https://api.example.com/items/<uuid>",
    );
    expect(normaliseCause("see https://cdn.example.com/reports/item-42.json.")).toBe("see https://cdn.example.com/reports/<id>.json.");
    // Digits in the host are not folded, and credentials are hidden.
    expect(normaliseCause("https://user:secret@s3-eu-west-1.example.com:8443/b/17")).toBe("https://<…>@s3-eu-west-1.example.com:8443/b/<n>");
    expect(normaliseCause("GET https://api.example.com/users/17/avatar failed")).toBe(
      normaliseCause("GET https://api.example.com/users/9123/avatar failed"),
    );
  });

  it("makes messages that differ only in per-item details one cause", () => {
    const a = normaliseCause(`ValidationError: row 17: field "email" is invalid: 'bob@x' (request 4f3a9c2e1b7d at 2024-05-01T10:00:00Z)`);
    const b = normaliseCause(`ValidationError: row 9120: field "email" is invalid: 'al' (request 0a1b2c3d4e5f at 2024-06-11T23:59:59Z)`);
    expect(a).toBe(b);
  });

  it("caps the length at about 200 characters and never splits a surrogate pair", () => {
    const long = normaliseCause("x".repeat(5_000));
    expect(long.length).toBeLessThanOrEqual(MAX_CAUSE_LENGTH);
    expect(long.endsWith("…")).toBe(true);
    const emoji = normaliseCause("a".repeat(MAX_CAUSE_LENGTH - 2) + "😀".repeat(10));
    expect(emoji.length).toBeLessThanOrEqual(MAX_CAUSE_LENGTH);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(emoji)).toBe(false);
  });

  it("bounds what it returns for a hostile megabyte of stderr", () => {
    const out = normaliseCause(("a".repeat(999) + "'").repeat(1_000) + "@".repeat(1_000));
    expect(out.length).toBeLessThanOrEqual(MAX_CAUSE_LENGTH);
  });
});

describe("groupFailures", () => {
  it("returns nothing for no failures", () => {
    expect(groupFailures([])).toEqual([]);
  });

  it("counts per cause, largest first, with kind, examples and first/last seen", () => {
    const failures: FailureRecord[] = [
      failure("a", "HTTP 404 for /users/1", { firstFailedAt: "2024-05-02T00:00:00.000Z", lastFailedAt: "2024-05-03T00:00:00.000Z" }),
      failure("b", "timeout after 30000ms", { kind: "timeout" }),
      failure("c", "HTTP 404 for /users/2", { firstFailedAt: "2024-05-01T00:00:00.000Z", lastFailedAt: "2024-05-01T05:00:00.000Z" }),
      failure("d", "HTTP 404 for /users/3", { kind: "transient", lastFailedAt: "2024-05-04T00:00:00.000Z" }),
      failure("e", "HTTP 404 for /users/4", { firstFailedAt: "2024-05-02T00:00:00.000Z", lastFailedAt: "2024-05-02T00:00:00.000Z" }),
      failure("f", "timeout after 20000ms", { kind: "timeout" }),
    ];
    const groups = groupFailures(failures);
    expect(groups.map((g) => [g.cause, g.count])).toEqual([
      ["HTTP 404 for /users/<n>", 4],
      ["timeout after <n>ms", 2],
    ]);
    const [http, timeout] = groups;
    expect(http!.kind).toBe("permanent");
    expect(http!.exampleIds).toEqual(["a", "c", "d"]);
    expect(http!.firstFailedAt).toBe("2024-05-01T00:00:00.000Z");
    expect(http!.lastFailedAt).toBe("2024-05-04T00:00:00.000Z");
    expect(timeout!.kind).toBe("timeout");
    expect(timeout!.exampleIds).toEqual(["b", "f"]);
  });

  it("takes the number of examples from the options", () => {
    const failures = Array.from({ length: 10 }, (_, i) => failure(`id-${i}`, `HTTP 500 for /x/${i}`));
    expect(groupFailures(failures, { examples: 5 })[0]!.exampleIds).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4"]);
    expect(groupFailures(failures, { examples: 0 })[0]!.exampleIds).toEqual([]);
  });

  it("picks the most common kind", () => {
    const kinds: FailureKind[] = ["transient", "timeout", "transient", "permanent", "transient"];
    const failures = kinds.map((kind, i) => failure(`k${i}`, `HTTP 503 for /x/${i}`, { kind }));
    expect(groupFailures(failures)[0]!.kind).toBe("transient");
  });

  it("orders equal counts by the latest lastFailedAt first, then by cause", () => {
    const failures = [
      failure("old", "alpha failed", { lastFailedAt: "2024-05-01T00:00:00.000Z" }),
      failure("new", "beta failed", { lastFailedAt: "2024-05-09T00:00:00.000Z" }),
      failure("mid", "gamma failed", { lastFailedAt: "2024-05-05T00:00:00.000Z" }),
      failure("mid2", "delta failed", { lastFailedAt: "2024-05-05T00:00:00.000Z" }),
      failure("big1", "zeta failed"),
      failure("big2", "zeta failed"),
    ];
    expect(groupFailures(failures).map((g) => g.cause)).toEqual(["zeta failed", "beta failed", "delta failed", "gamma failed", "alpha failed"]);
  });

  it("groups 100,000 failures well under a second", () => {
    const templates = [
      (i: number) => `HTTP 404 for /users/${i}`,
      (i: number) => `ValidationError: field "email" is invalid: "user${i}@example"`,
      (i: number) => `connect ETIMEDOUT 10.0.${i % 250}.${(i * 7) % 250}:443`,
      (i: number) => `exit code 3: could not parse row ${i} in batch ${i % 97}`,
      (i: number) => `GET https://api.example.com/v1/orders/${i}/lines?cursor=${i * 13} failed: HTTP 502`,
      (i: number) => `Request ${(i * 2654435761).toString(16)}ab failed after ${1000 + (i % 5000)}ms at 2024-05-0${1 + (i % 9)}T10:00:00Z`,
    ];
    const failures = Array.from({ length: 100_000 }, (_, i) =>
      failure(`item-${i}`, templates[i % templates.length]!(i), {
        lastFailedAt: `2024-05-0${1 + (i % 9)}T10:00:00.000Z`,
      }),
    );
    const groups = groupFailures(failures);
    expect(groups).toHaveLength(templates.length);
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(100_000);
  });
});
