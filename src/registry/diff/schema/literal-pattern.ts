// Patterns that name a fixed set of property names: `^a$`, `^(a|b)$`, `^(?:x\.y|z)$`. Such a pattern can only touch
// those names, so when `properties` declares all of them, adding or removing it changes nothing for undeclared names
// (it may still constrain the declared ones, which is judged on its own). Anything else is not read as literal.

const LITERAL_CHAR = /^(?:[^\\.^$|?*+()[\]{}]|\\[^A-Za-z0-9])/;

/** The literal a regex alternative spells, or undefined when it uses any regex operator. */
function literal(alternative: string): string | undefined {
  let out = '';
  let rest = alternative;
  while (rest.length > 0) {
    const m = LITERAL_CHAR.exec(rest);
    if (m === null) return undefined;
    out += m[0].length === 2 ? m[0][1] : m[0];
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Splits on `|` that is not escaped. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && i + 1 < body.length) {
      current += body[i] + body[i + 1];
      i++;
    } else if (body[i] === '|') {
      out.push(current);
      current = '';
    } else current += body[i];
  }
  out.push(current);
  return out;
}

/**
 * The names an anchored literal pattern matches, or undefined when the pattern is anything else.
 *
 * @example
 * literalNames('^(a|b\\.c)$'); // ['a', 'b.c']
 * literalNames('^a'); // undefined: any name starting with a
 */
export function literalNames(pattern: string): string[] | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  let body = pattern.slice(1, -1);
  const group = /^\((?:\?:)?(.*)\)$/s.exec(body);
  if (group !== null) body = group[1];
  else if (alternatives(body).length > 1) return undefined; // `^a|b$` is `(^a)|(b$)`
  const names = alternatives(body).map(literal);
  return names.every((n): n is string => n !== undefined) ? names : undefined;
}
