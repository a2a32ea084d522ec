/**
 * A handler that prints tokens on stderr: none of them reaches what is stored (journal,
 * snapshot, failures.json) or the log, and the action masks them; handlers do not see the
 * runner's own variables.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runMain } from "../../src/action/main.js";
import { fixture } from "../support/action-fakes.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRETS = { GITHUB_TOKEN: "ghs_envtoken111", HANDLER_TOKEN: "handler-secret-222", ACTIONS_RUNTIME_TOKEN: "runtime-secret-333" };
const INPUT_TOKEN = "ghp_inputtoken444";

describe("secrets in handler output", () => {
  it("are redacted from every stored error text and the log, masked with setSecret, and runner internals never reach the handler", async () => {
    const handler = [
      `echo "token $GITHUB_TOKEN and $HANDLER_TOKEN and $PASSED_TOKEN" >&2`,
      `echo "runtime=\${ACTIONS_RUNTIME_TOKEN-unset} results=\${ACTIONS_RESULTS_URL-unset} input=\${INPUT_RUN-unset}" >&2`,
      `exit 1`,
    ].join("\n");
    const f = fixture({
      inputs: { items: "items.jsonl", run: "sh handler.sh", "github-token": INPUT_TOKEN, "redact-env": "HANDLER_TOKEN", "max-attempts": "1" },
    });
    made.push(join(f.workspace, ".."));
    writeFileSync(join(f.workspace, "handler.sh"), handler);
    writeFileSync(join(f.workspace, "items.jsonl"), '{"id":"a"}\n');
    Object.assign(f.host.env, SECRETS, { PASSED_TOKEN: INPUT_TOKEN, ACTIONS_RESULTS_URL: "https://results.example/", INPUT_RUN: "sh handler.sh" });
    await runMain(f.host);

    const failures = JSON.parse(readFileSync(join(f.stateDir, "failures.json"), "utf8"));
    const error: string = failures.failures[0].error;
    expect(error).toContain("token *** and *** and ***");
    expect(error).toContain("runtime=unset results=unset input=unset");
    const stored = readdirSync(f.stateDir)
      .filter((n) => n.endsWith(".json") || n.endsWith(".jsonl"))
      .map((n) => readFileSync(join(f.stateDir, n), "utf8"))
      .join("\n");
    const log = f.core.logs.map((l) => l.message).join("\n");
    for (const secret of [...Object.values(SECRETS), INPUT_TOKEN]) {
      expect(stored).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    expect(f.core.secrets).toEqual(expect.arrayContaining([SECRETS.GITHUB_TOKEN, SECRETS.HANDLER_TOKEN, SECRETS.ACTIONS_RUNTIME_TOKEN, INPUT_TOKEN]));
  });
});
