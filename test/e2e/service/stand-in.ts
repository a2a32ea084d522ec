import { afterAll, beforeAll } from "vitest";
import { startAzurite, type Azurite } from "./azurite.js";
import { startFakeGitHub, type FakeGitHub } from "./fake-github.js";

export interface StandIn {
  azurite: Azurite;
  gh: FakeGitHub;
}

/**
 * Azurite and the Actions service stand-in for one test file: started before its tests
 * (handed to `started`), stopped after them. With `wallTimeLabel`, the file's wall time is
 * printed at the end, for the suite's timing budget.
 */
export function useStandIn(o: { started: (s: StandIn) => void; before?: () => void; wallTimeLabel?: string }): void {
  const fileStartedAt = Date.now();
  let s: Partial<StandIn> = {};
  beforeAll(async () => {
    o.before?.();
    const azurite = await startAzurite();
    s = { azurite, gh: await startFakeGitHub({ azurite }) };
    o.started(s as StandIn);
  }, 60_000);
  afterAll(async () => {
    await s.gh?.stop();
    await s.azurite?.stop();
    if (o.wallTimeLabel) console.log(`[e2e] ${o.wallTimeLabel}: wall time of the whole file ${((Date.now() - fileStartedAt) / 1000).toFixed(1)}s`);
  });
}
