/**
 * True for a plain JSON object (not null, not an array): the one shape check every module uses before reading
 * fields of parsed JSON or YAML.
 *
 * @example
 * isRecord({ a: 1 }); // true
 * isRecord([1]); // false
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object itself when it is a plain JSON object, else undefined.
 *
 * @example
 * asRecord(JSON.parse('[1]')); // undefined
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/**
 * Sets an own, enumerable property, even one named `__proto__` (plain assignment would set the prototype instead
 * and lose the key).
 *
 * @example
 * setOwn(out, '__proto__', 1); // Object.keys(out) includes '__proto__'
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
