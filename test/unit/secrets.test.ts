import { describe, expect, it } from "vitest";
import { handlerEnvironment, makeRedactor, secretValues } from "../../src/core/platform/secrets.js";
import { parseRunSettings } from "../../src/core/config/settings.js";

describe("secret values", () => {
  it("takes the job's tokens, the named variables and extra values; short and missing ones are skipped", () => {
    const env = { GITHUB_TOKEN: "ghs_abc123", ACTIONS_RUNTIME_TOKEN: "rt-xyz789", HANDLER_TOKEN: "h4nd13r", SHORT: "ab", OTHER: "not-a-secret" };
    expect(secretValues(env, ["HANDLER_TOKEN", "SHORT", "MISSING"], ["ghp_personal"]).sort()).toEqual([
      "ghp_personal",
      "ghs_abc123",
      "h4nd13r",
      "rt-xyz789",
    ]);
  });

  it("a multi-line value is also redacted line by line", () => {
    const redact = makeRedactor(secretValues({ KEY: "-----BEGIN-----\nAAAABBBB\n-----END-----" }, ["KEY"]));
    expect(redact("part: AAAABBBB")).toBe("part: ***");
  });
});

describe("makeRedactor", () => {
  it("replaces every occurrence, longest value first, with regex characters taken literally", () => {
    const redact = makeRedactor(["s3cr3t", "s3cr3t-and-more", "a.b*c"]);
    expect(redact("x s3cr3t-and-more y s3cr3t z a.b*c aXbbc")).toBe("x *** y *** z *** aXbbc");
  });

  it("with nothing to redact, returns the text as it is", () => {
    expect(makeRedactor([])("GITHUB_TOKEN=whatever")).toBe("GITHUB_TOKEN=whatever");
  });
});

describe("handlerEnvironment", () => {
  it("drops the runner's own tokens and URLs and the action's inputs, keeps the rest", () => {
    const env = handlerEnvironment({
      PATH: "/bin",
      HANDLER_TOKEN: "h",
      GITHUB_TOKEN: "g",
      ACTIONS_RUNTIME_TOKEN: "r",
      ACTIONS_RESULTS_URL: "u",
      ACTIONS_CACHE_URL: "c",
      "INPUT_GITHUB-TOKEN": "t",
      INPUT_RUN: "./x.sh",
      GITHUB_RUN_ID: "1",
    });
    expect(Object.keys(env).sort()).toEqual(["GITHUB_RUN_ID", "GITHUB_TOKEN", "HANDLER_TOKEN", "PATH"]);
  });
});

describe("redact-env setting", () => {
  const nameOf = (k: string) => `--${k}`;
  it("reads names separated by commas or spaces", () => {
    expect(parseRunSettings({ items: "i.txt", run: "true", "redact-env": "API_TOKEN, HANDLER_TOKEN other_key" }, nameOf).redactEnv).toEqual([
      "API_TOKEN",
      "HANDLER_TOKEN",
      "other_key",
    ]);
    expect(parseRunSettings({ items: "i.txt", run: "true" }, nameOf).redactEnv).toEqual([]);
  });

  it("rejects a value where a name belongs", () => {
    expect(() => parseRunSettings({ items: "i.txt", run: "true", "redact-env": "ghp_abc/def=" }, nameOf)).toThrow(
      /--redact-env: 'ghp_abc\/def=' is not the name of an environment variable/,
    );
  });
});
