/**
 * The journal writer on a disk that fills up: a write error from the flush timer must not
 * escape (it would end the process with exit 1 and a stack trace, the lock left behind);
 * the file keeps only whole lines, and the owner is told once.
 */
import { mkdtempSync, readFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalWriter } from "../../src/core/state/journal-writer.js";
import { FakeSystem } from "../support/fake-system.js";

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

describe("JournalWriter on a full disk", () => {
  it("a failing timer flush tells onError once, throws nothing, and cuts a torn write back to whole lines", async () => {
    const system = new FakeSystem(0);
    const path = join(mkdtempSync(join(tmpdir(), "rb-journal-")), "journal-0.jsonl");
    const errors: unknown[] = [];
    let writes = 0;
    const fs = {
      writeSync(fd: number, buffer: Buffer, offset: number): number {
        writes++;
        if (writes === 1) return writeSync(fd, buffer, offset);
        if (writes === 2) return writeSync(fd, buffer, offset, 5); // part of a line, then the disk is full
        throw enospc();
      },
    };
    const journal = new JournalWriter(path, system, 200, undefined, (e) => errors.push(e), fs);
    journal.append('{"t":"done","id":"a"}\n');
    await system.advance(200);
    journal.append('{"t":"done","id":"b"}\n{"t":"done","id":"c"}\n');
    await system.advance(200); // the timer's flush: must not throw
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect(journal.failure).toBe(errors[0]);
    journal.append('{"t":"done","id":"d"}\n'); // dropped: the run is stopping
    journal.close();
    expect(errors).toHaveLength(1);
    expect(readFileSync(path, "utf8")).toBe('{"t":"done","id":"a"}\n');
    expect(system.pendingTimers).toBe(0);
  });
});
