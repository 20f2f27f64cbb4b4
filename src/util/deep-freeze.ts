/**
 * Freezes `value` and every object and array it holds, and returns it. For data shared read-only between runs (a
 * user's sample workload) or owned by one run and read many times: a frozen object can be cached by identity.
 *
 * @example
 * const workload = deepFreeze(structuredClone(msg.context));
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
