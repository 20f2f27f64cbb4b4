/** Makes a name safe as a file name on every OS (and readable): letters, digits, `_`, `-` and `.` only. */
export function toSafeName(raw: string, fallback: string): string {
  const safe = raw
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[_.-]+|[_.-]+$/g, '')
    .slice(0, 100);
  return safe === '' ? fallback : safe;
}

/** Hands out unique names in call order: `a`, `a_2`, `a_3`, ... Comparison ignores case (case-insensitive file systems). */
export class UniqueNames {
  private readonly taken = new Set<string>();

  take(name: string): string {
    let candidate = name;
    for (let i = 2; this.taken.has(candidate.toLowerCase()); i++) candidate = `${name}_${i}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
