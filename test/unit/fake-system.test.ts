import { describe, expect, it } from "vitest";
import { FakeSystem } from "../support/fake-system.js";

describe("FakeSystem.runUntil", () => {
  it("returns what the promise resolves to once virtual time has carried it there", async () => {
    const system = new FakeSystem(0);
    const done = new Promise<string>((resolve) => system.setTimer(() => resolve("done"), 500));
    await expect(system.runUntil(done)).resolves.toBe("done");
    expect(system.nowMs()).toBeGreaterThanOrEqual(500);
  });

  it("fails with the engine's own error when the promise rejects, not with a timeout", async () => {
    const system = new FakeSystem(0);
    const failing = new Promise<void>((_, reject) => system.setTimer(() => reject(new Error("the journal cannot be written")), 50));
    await expect(system.runUntil(failing, 10, 1_000)).rejects.toThrow("the journal cannot be written");
  });

  it("says it gave up when the promise never settles", async () => {
    const system = new FakeSystem(0);
    await expect(system.runUntil(new Promise<void>(() => {}), 10, 100)).rejects.toThrow("did not finish within 100ms of virtual time");
  });
});
