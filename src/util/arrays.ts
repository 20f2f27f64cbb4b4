/**
 * Removes the item at `index` in place, keeping the order of the rest, and returns it. Unlike `splice(index, 1)` it
 * allocates nothing (splice returns a new array of the removed items): the checker removes one item from a short
 * list on every answered start and every finalised run.
 *
 * @example
 * const list = ['a', 'b', 'c'];
 * removeAt(list, 1); // 'b'; list is ['a', 'c']
 */
export function removeAt<T>(list: T[], index: number): T | undefined {
  if (index < 0 || index >= list.length) return undefined;
  const item = list[index];
  for (let i = index + 1; i < list.length; i++) list[i - 1] = list[i];
  list.pop();
  return item;
}
