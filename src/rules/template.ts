/** Placeholders every check kind fills, whatever it checks. */
export const COMMON_VARS = ['expected', 'actual', 'run_id', 'conn', 'user', 'seq', 'type'] as const;

const PLACEHOLDER = /\{([a-z_][a-z0-9_]*)\}/g;

/** The placeholder names a template uses, in order of first use. */
export function placeholders(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) names.add(match[1]);
  return [...names];
}

/**
 * Fills `{name}` placeholders. Strings are inserted as they are, arrays joined with ", ", other values as JSON;
 * a missing value prints as `?`.
 *
 * @example
 * fillTemplate('expected {expected}, got {actual}', { expected: 1, actual: 3 }); // 'expected 1, got 3'
 */
export function fillTemplate(template: string, vars: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(name in vars)) return whole;
    return show(vars[name]);
  });
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '?';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(show).join(', ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
