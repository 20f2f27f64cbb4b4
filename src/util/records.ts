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
