/** Faults the stand-in injects on request: a status, a hung or reset connection, a spent REST rate limit. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RuntimeTokenClaims } from "./runtime-token.js";
import { twirpCodeForStatus } from "./twirp.js";

/** Which surface a fault applies to. */
export type FaultService = "cache" | "artifact" | "rest";

/**
 * What a matched request gets instead of its answer.
 * - status: that HTTP status; Twirp calls get a Twirp JSON error (`body` replaces it, e.g. an
 *   HTML page as a broken proxy sends). 5xx makes the clients retry (~25-35 s in all).
 * - hang: the request is read and never answered, until the client gives up or `stop()`.
 * - reset: the connection is destroyed (the clients see ECONNRESET and do not retry).
 */
export type FaultAction =
  | { kind: "status"; status: number; message?: string; body?: string }
  /**
   * REST only: the answer GitHub gives a token that spent its hourly budget (1,000 requests
   * per hour per repository for GITHUB_TOKEN, docs/ARCHITECTURE.md "REST budget"): 403 (or 429) with
   * `x-ratelimit-remaining: 0` and "API rate limit exceeded".
   */
  | { kind: "rate-limit"; status?: 403 | 429 }
  | { kind: "hang" }
  | { kind: "reset" };

export interface FaultRule {
  service: FaultService;
  /**
   * Twirp method (`GetCacheEntryDownloadURL`, `CreateArtifact`, …) or REST route name
   * (`listRunArtifacts`, `listRepoArtifacts`, `getArtifact`, `downloadArtifact`,
   * `deleteArtifact`, `createDispatch`, `getRun`). Every method when omitted.
   */
  method?: string;
  /** Only Twirp calls whose runtime token is for this public run id (lets tests run concurrently). */
  runId?: number;
  /** Only Twirp calls whose runtime token names this run backend id. */
  runBackendId?: string;
  /** Only REST calls made with this token (`github-token`), e.g. one run's. */
  token?: string;
  action: FaultAction;
  /** How many matching requests it affects. @default unlimited */
  times?: number;
}

export interface InjectedFault {
  /** Matching requests so far. */
  hits(): number;
  remove(): void;
}

interface FaultState {
  rule: FaultRule;
  hits: number;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The faults in force, matched against each request in the order they were injected. */
export class FaultInjector {
  private readonly faults: FaultState[] = [];
  private readonly hung = new Set<ServerResponse>();

  constructor(
    private readonly now: () => number,
    private readonly runIdOf: (claims: RuntimeTokenClaims | undefined) => number | undefined,
  ) {}

  inject(rule: FaultRule): InjectedFault {
    const state: FaultState = { rule, hits: 0 };
    this.faults.push(state);
    return {
      hits: () => state.hits,
      remove: () => {
        const i = this.faults.indexOf(state);
        if (i >= 0) this.faults.splice(i, 1);
      },
    };
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Ends every request a `hang` fault kept open. */
  releaseHung(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }

  find(service: FaultService, method: string, claims: RuntimeTokenClaims | undefined, token?: string): FaultState | undefined {
    for (const fault of this.faults) {
      const { rule } = fault;
      if (rule.service !== service) continue;
      if (rule.token !== undefined && rule.token !== token) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.runBackendId !== undefined && claims?.runBackendId !== rule.runBackendId) continue;
      if (rule.runId !== undefined && this.runIdOf(claims) !== rule.runId) continue;
      if (rule.times !== undefined && fault.hits >= rule.times) continue;
      fault.hits++;
      return fault;
    }
    return undefined;
  }

  /** Answers with the fault's action; `true` when it did (the request is handled). */
  apply(
    fault: FaultState | undefined,
    twirp: boolean,
    req: IncomingMessage,
    res: ServerResponse,
    entry: { fault?: string; error?: string },
  ): boolean {
    if (!fault) return false;
    const action = fault.rule.action;
    entry.fault = action.kind;
    if (action.kind === "hang") {
      this.hung.add(res);
      res.on("close", () => this.hung.delete(res));
      return true;
    }
    if (action.kind === "reset") {
      req.socket.destroy();
      return true;
    }
    if (action.kind === "rate-limit") {
      const status = action.status ?? 403;
      entry.error = "API rate limit exceeded";
      const text = JSON.stringify({
        message: "API rate limit exceeded for installation ID 1.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      });
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(text),
        "x-ratelimit-limit": "1000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-used": "1000",
        "x-ratelimit-reset": String(Math.ceil(this.now() / 1000) + 1800),
        "x-ratelimit-resource": "core",
        ...(status === 429 ? { "retry-after": "1800" } : {}),
      });
      res.end(text);
      return true;
    }
    const message = action.message ?? `injected fault: HTTP ${action.status}`;
    if (action.body !== undefined) {
      res.writeHead(action.status, { "content-type": "text/html" });
      res.end(action.body);
    } else if (twirp) {
      entry.error = twirpCodeForStatus(action.status);
      sendJson(res, action.status, { code: entry.error, msg: message });
    } else {
      entry.error = message;
      sendJson(res, action.status, { message, documentation_url: "https://docs.github.com/rest" });
    }
    return true;
  }
}
