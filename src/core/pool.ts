/**
 * Runs work over items pulled one at a time from `next`, at most `concurrency` at once.
 * Items are pulled only when a lane is free (a queue of functions, not of started
 * promises), and `canStart` is asked before each pull, so a stop or an exhausted budget
 * takes effect before the next item, not after the whole queue.
 */
export async function runPool<T>(options: {
  next: () => Promise<T | undefined>;
  concurrency: number;
  canStart: () => boolean;
  /** Awaited before each start (rate limiting); resolves false to stop the lane. */
  beforeStart?: () => Promise<boolean>;
  work: (item: T) => Promise<void>;
}): Promise<void> {
  const lane = async (): Promise<void> => {
    for (;;) {
      if (!options.canStart()) return;
      if (options.beforeStart && !(await options.beforeStart())) return;
      if (!options.canStart()) return;
      const item = await options.next();
      if (item === undefined) return;
      await options.work(item);
    }
  };
  const lanes: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, options.concurrency); i++) lanes.push(lane());
  await Promise.all(lanes);
}

/**
 * Turns an async generator of batches into a `next()` that many lanes may call at once:
 * one refill is in flight at a time, and each call gets a distinct item.
 */
export function batchedNext<T>(batches: AsyncIterator<T[]>): () => Promise<T | undefined> {
  let batch: T[] = [];
  let index = 0;
  let exhausted = false;
  let refill: Promise<void> | undefined;
  return async () => {
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
}
