/** Values a template may name: `{user}` everywhere; `{kind}` and `{ttl_s}` where a strategy says so. */
export type TemplateVars = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/**
 * Replaces every `{name}` whose name is in `vars` inside a string; other braces stay as they are.
 *
 * @example
 * fillText('{user}@example.com', { user: 'alice' }); // 'alice@example.com'
 */
export function fillText(text: string, vars: TemplateVars): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name] : whole));
}

/**
 * A copy of a JSON value (a claims template, a parameter map) with {@link fillText} applied to every string, keys
 * included.
 *
 * @example
 * fillTemplate({ sub: '{user}', permissions: ['chat'] }, { user: 'alice' }); // { sub: 'alice', permissions: ['chat'] }
 */
export function fillTemplate<T>(value: T, vars: TemplateVars): T {
  if (typeof value === 'string') return fillText(value, vars) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => fillTemplate(item, vars)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[fillText(key, vars)] = fillTemplate(item, vars);
    return out as T;
  }
  return value;
}

/**
 * True when a template (any JSON value) mentions `{name}` somewhere.
 *
 * @example
 * mentions(['vault', 'token', '--kind', '{kind}'], 'kind'); // true
 */
export function mentions(value: unknown, name: string): boolean {
  if (typeof value === 'string') return value.includes(`{${name}}`);
  if (Array.isArray(value)) return value.some((item) => mentions(item, name));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, item]) => key.includes(`{${name}}`) || mentions(item, name));
  }
  return false;
}
