import { deepFreeze } from '../util/deep-freeze';

/** One step of a {@link FrozenMemo}: the values cached under the keys that lead here. */
interface MemoNode<R> {
  next: WeakMap<object, MemoNode<R>> | undefined;
  /** Set once computed (a computed value may itself be undefined-like, hence the flag). */
  done: boolean;
  value: R | undefined;
}

/**
 * What the agents build from frozen inputs (tool results memoised on a frozen workload, see runTool; a frozen
 * workload; a frozen growth hint), remembered by the identity of those inputs. Every run on the same workload gets
 * the same frozen results and would otherwise write the same sentences, drafts and parameters again, for every run.
 *
 * A key that is not frozen may still change: then nothing is cached and `compute` runs every time, as without the
 * memo. A cached value is deep-frozen, because every later run with the same inputs shares it. Entries live as long
 * as their first key (a WeakMap chain): a workload's entries go with its memoised tool results.
 *
 * @example
 * const thoughts = new FrozenMemo<string>();
 * const text = thoughts.get([routing], () => routingThought(routing));
 */
export class FrozenMemo<R> {
  private readonly root: MemoNode<R> = { next: undefined, done: false, value: undefined };

  /** `compute()`, or what it gave before for the same frozen `keys` (in the same order). */
  get(keys: readonly object[], compute: () => R): R {
    let node = this.root;
    for (const key of keys) {
      if (!Object.isFrozen(key)) return compute();
      node.next ??= new WeakMap();
      let child = node.next.get(key);
      if (child === undefined) node.next.set(key, (child = { next: undefined, done: false, value: undefined }));
      node = child;
    }
    if (!node.done) {
      node.value = deepFreeze(compute());
      node.done = true;
    }
    return node.value as R;
  }
}

/** `compute(key)`, remembered per frozen `key` (see {@link FrozenMemo}). */
export function memoOnFrozen<K extends object, R>(compute: (key: K) => R): (key: K) => R {
  // One key: a plain WeakMap, without the key list and closure a FrozenMemo lookup takes.
  const cache = new WeakMap<K, R>();
  return (key) => {
    if (!Object.isFrozen(key)) return compute(key);
    if (cache.has(key)) return cache.get(key) as R;
    const value = deepFreeze(compute(key));
    cache.set(key, value);
    return value;
  };
}

/** A frozen stand-in key for "nothing" (a step that did not run or failed), so that it can sit in a key list. */
export const NOTHING: object = Object.freeze({});
