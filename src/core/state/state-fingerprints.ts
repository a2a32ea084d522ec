import type { DoneSet } from "./done-set.js";

/**
 * reprocess-changed: the fingerprint of each done (or failed) item's content when it was
 * done (or failed). Where an item lives decides where its fingerprint is kept: beside its id
 * in the done set (one lookup answers "done?" and "what was it?"), in an array beside the
 * ids done by the run in progress, or in a small map for failed items.
 */
export class StateFingerprints {
  /** Of items failed in the pass (few). */
  readonly failed = new Map<string, number>();
  /** Of the ids done by the run in progress, by their position in doneThisRun (0: none). */
  readonly thisRun: number[] = [];

  constructor(private readonly done: () => DoneSet) {}

  /** Whether any fingerprint is kept (the feature was used in this pass). */
  get any(): boolean {
    return this.done().hasValues || this.failed.size > 0 || this.thisRun.length > 0;
  }

  /** The fingerprint recorded for an item done or failed earlier in the pass. */
  get(id: string): number | undefined {
    const done = this.done();
    const index = done.hasValues ? done.indexOf(id) : -1;
    if (index >= 0) {
      const value = done.valueAt(index);
      return value === 0 ? undefined : value;
    }
    return this.failed.size === 0 ? undefined : this.failed.get(id);
  }

  /** Records a fingerprint for an item done in an earlier run, or else failed. */
  set(id: string, fingerprint: number): void {
    const index = this.done().indexOf(id);
    // An ill-formed id (ILL_FORMED_ENTRY) is done but keeps no value: it is never taken as changed.
    if (index !== -1) this.done().setValueAt(index, fingerprint);
    else this.failed.set(id, fingerprint);
  }

  clear(): void {
    this.failed.clear();
    this.thisRun.length = 0;
  }
}
