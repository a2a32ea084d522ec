/**
 * Runs work over items pulled one at a time from `next`, at most `concurrency` at once.
 * Items are pulled only when a lane is free (a queue of functions, not of started
 * promises), and `canStart` is asked before each pull, so a stop or an exhausted budget
 * takes effect before the next item, not after the whole queue.
 */
export async function runPool<T, R = void>(options: {
  next: () => Promise<T | undefined>;
  /**
   * An item that is ready now, without waiting (undefined when none is): spares the
   * await of `next` per item while a batch lasts.
   */
  take?: () => T | undefined;
  concurrency: number;
  canStart: () => boolean;
  /** Asked before each start (rate limiting): true to go on, false to stop the lane, or a promise of either to wait. */
  beforeStart?: () => boolean | Promise<boolean>;
  /** @param lane which lane (0 … concurrency-1) runs it: one item at a time each, so state per item can live per lane */
  work: (item: T, lane: number) => Promise<R>;
  /**
   * Told each item's result as soon as its work settles, before the lane takes another: a
   * `then` on work's promise in the caller would cost a promise and a microtask more per item.
   */
  after?: (item: T, result: R, lane: number) => void;
}): Promise<void> {
  const { next, take, canStart, beforeStart, work, after } = options;
  const lane = async (laneIndex: number): Promise<void> => {
    for (;;) {
      if (!canStart()) return;
      // Asked again after the wait: a stop or the budget may have come in meanwhile.
      if (beforeStart) {
        const go = beforeStart();
        if (go !== true && (!(await go) || !canStart())) return;
      }
      let item = take?.();
      if (item === undefined) item = await next();
      if (item === undefined) return;
      const result = await work(item, laneIndex);
      if (after) after(item, result, laneIndex);
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, options.concurrency); i++) lanes.push(lane(i));
  await Promise.all(lanes);
}

/**
 * Turns an async generator of batches into a `next()` that many lanes may call at once:
 * one refill is in flight at a time, and each call gets a distinct item. `next.take()`
 * hands out the next item of the current batch at once, or undefined when it is used up.
 */
export function batchedNext<T>(batches: AsyncIterator<T[]>): (() => Promise<T | undefined>) & { take: () => T | undefined } {
  let batch: T[] = [];
  let index = 0;
  let exhausted = false;
  let refill: Promise<void> | undefined;
  const take = (): T | undefined => (index < batch.length ? batch[index++] : undefined);
  const next = async (): Promise<T | undefined> => {
    for (;;) {
      if (index < batch.length) return batch[index++];
      if (exhausted) return undefined;
      refill ??= batches.next().then((r) => {
        refill = undefined;
        if (r.done) exhausted = true;
        else {
          batch = r.value;
          index = 0;
        }
      });
      await refill;
    }
  };
  return Object.assign(next, { take });
}
