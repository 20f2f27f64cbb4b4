// A fixed number of slots for the cases of one suite that run concurrently (`it.concurrent`): Jest's maxConcurrency
// is one global number, and a suite whose cases are judged by timing rules wants fewer at once than a suite of CLI
// runs.

/** Runs `fn` once one of the `count` slots is free; the slot is freed when `fn` settles, however it settles. */
export type Slots = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * @example
 * const slot = slots(3);
 * it.concurrent.each(files)('%s', (file) => slot(() => replay(file)));
 */
export function slots(count: number): Slots {
  let free = count;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) free += 1;
    else next();
  };
  return async (fn) => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => queue.push(resolve));
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
